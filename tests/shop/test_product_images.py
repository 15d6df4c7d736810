"""Product images: only decodable JPEG/PNG/WebP, metadata stripped, two sizes, 413 beyond the limit."""
import io
from html import unescape

import pytest
from PIL import Image

from sentem.extensions import db
from sentem.shop import images
from sentem.shop.models import Product, ProductImage
from tests.admin.builders import make_staff, staff_login
from tests.orders.builders import make_product

GPS_IFD = 0x8825


def _jpeg_with_gps(size=(2400, 1600)) -> bytes:
    img = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x013B] = "홍길동"  # Artist
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (37.0, 30.0, 0.0), 3: "E", 4: (127.0, 2.0, 0.0)})
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


@pytest.fixture
def editor(client):
    staff_login(client, make_staff("catalog_staff"))


def test_upload_is_reencoded_without_metadata_at_two_sizes(client, editor):
    product = make_product(title="접이식 캠핑 의자")
    upload = _jpeg_with_gps()
    assert b"SecretCam" in upload
    resp = client.post(f"/admin/catalog/{product.id}/image",
                       data={"image": (io.BytesIO(upload), "chair.jpg")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    row = db.session.get(ProductImage, product.id)
    for blob, expected in ((row.listing, images.LISTING), (row.detail, (1200, 800))):
        assert b"SecretCam" not in blob and "홍길동".encode() not in blob
        img = Image.open(io.BytesIO(blob))
        assert img.format == "WEBP" and img.size == expected
        assert not img.getexif() and "exif" not in img.info and "icc_profile" not in img.info
    db.session.expire_all()
    product = db.session.get(Product, product.id)
    page = client.get(f"/products/{product.id}").get_data(as_text=True)
    assert product.image_url("detail") in page
    served = client.get(product.image_url("detail"))
    assert served.status_code == 200 and served.mimetype == "image/webp" and served.data == row.detail
    assert "immutable" in served.headers["Cache-Control"]
    assert client.get(f"/products/{product.id}/image/huge.webp").status_code == 404


def test_png_with_transparency_and_webp_are_accepted(client, editor):
    product = make_product()
    for fmt in ("PNG", "WEBP"):
        out = io.BytesIO()
        Image.new("RGBA", (300, 300), (0, 128, 0, 100)).save(out, format=fmt)
        resp = client.post(f"/admin/catalog/{product.id}/image", data={"image": (io.BytesIO(out.getvalue()), "x")},
                           content_type="multipart/form-data")
        assert resp.status_code == 302, fmt


@pytest.mark.parametrize("payload, message", [
    (b"", "이미지 파일을 선택해 주세요."),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "읽을 수 없습니다"),
    (b"GIF89a" + b"\0" * 64, "읽을 수 없습니다"),
    (_jpeg_with_gps((64, 64))[:300], "읽을 수 없습니다"),  # truncated: fails when every pixel is decoded
])
def test_what_is_not_an_image_is_refused_in_korean(client, editor, payload, message):
    product = make_product()
    resp = client.post(f"/admin/catalog/{product.id}/image", data={"image": (io.BytesIO(payload), "a.jpg")},
                       content_type="multipart/form-data")
    assert resp.status_code == 400 and message in unescape(resp.get_data(as_text=True))
    assert db.session.get(ProductImage, product.id) is None


def test_a_gif_is_refused_by_format(client, editor):
    product = make_product()
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    resp = client.post(f"/admin/catalog/{product.id}/image", data={"image": (io.BytesIO(out.getvalue()), "a.gif")},
                       content_type="multipart/form-data")
    assert resp.status_code == 400 and "JPEG, PNG, WebP 이미지만" in resp.get_data(as_text=True)


def test_an_upload_beyond_the_limit_answers_413(app, client, editor):
    product = make_product()
    big = b"\xff\xd8" + b"\0" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    resp = client.post(f"/admin/catalog/{product.id}/image", data={"image": (io.BytesIO(big), "big.jpg")},
                       content_type="multipart/form-data")
    assert resp.status_code == 413 and "요청이 너무 큽니다" in resp.get_data(as_text=True)
    assert db.session.get(ProductImage, product.id) is None


def test_removing_the_image_brings_back_the_generated_picture(client, editor):
    product = make_product(title="방수 파우치")
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "navy").save(out, format="PNG")
    client.post(f"/admin/catalog/{product.id}/image", data={"image": (io.BytesIO(out.getvalue()), "p.png")},
                content_type="multipart/form-data")
    first = db.session.get(Product, product.id).image_url()
    assert client.post(f"/admin/catalog/{product.id}/image", data={"remove": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ProductImage, product.id) is None
    assert f"/products/{product.id}/image.svg" in client.get(f"/products/{product.id}").get_data(as_text=True)
    client.post(f"/admin/catalog/{product.id}/image", data={"image": (io.BytesIO(out.getvalue()), "p.png")},
                content_type="multipart/form-data")
    db.session.expire_all()
    assert db.session.get(Product, product.id).image_url() != first  # a new URL: no stale browser copy


def test_the_generated_picture_is_more_than_a_letter_and_escapes_the_title(client):
    product = make_product(title="<b>향초</b> & 무화과")
    svg = client.get(f"/products/{product.id}/image.svg").get_data(as_text=True)
    assert "linearGradient" in svg and "&lt;b&gt;향초&lt;/b&gt; &amp; 무화과" in svg and "<b>" not in svg
    other = make_product(title="다른 상품")
    assert client.get(f"/products/{other.id}/image.svg").get_data(as_text=True) != svg
