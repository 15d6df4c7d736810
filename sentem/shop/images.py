"""Product image uploads: decoded with Pillow, re-encoded without metadata, at two sizes.

An upload is trusted only after Pillow decodes every pixel of it as JPEG, PNG or
WebP (the file's name and declared type are ignored). The image is then rotated as
its EXIF says, re-encoded as WebP from the pixels alone — EXIF (camera, GPS
position, owner), ICC and XMP do not survive — and kept in the main database at the
listing (600×400, cropped to fill) and detail (up to 1200×1200, whole) sizes. The
request's size limit (``MAX_CONTENT_LENGTH``) answers 413 before any of this runs;
``MAX_PIXELS`` refuses decompression bombs before decoding.
"""
from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from ..extensions import db
from .models import ProductImage

FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000
LISTING = (600, 400)
DETAIL = (1200, 1200)
SIZES = ("listing", "detail")
QUALITY = 82


class ImageRejected(ValueError):
    """An upload that is not a usable JPEG, PNG or WebP image (message in Korean)."""


def _decode(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise ImageRejected("JPEG, PNG, WebP 이미지만 올릴 수 있습니다.")
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageRejected("이미지가 너무 큽니다(4천만 화소 이하).")
            probe.load()  # decodes every pixel: a truncated or forged file fails here
            img = ImageOps.exif_transpose(probe)
            return img.convert("RGBA" if "A" in img.getbands() or "transparency" in img.info else "RGB")
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRejected("이미지 파일을 읽을 수 없습니다. JPEG, PNG, WebP 파일인지 확인해 주세요.") from None


def _encode(img: Image.Image) -> bytes:
    out = io.BytesIO()
    # Only pixels are written: no exif=, icc_profile= or xmp= arguments, so none is kept.
    img.save(out, format="WEBP", quality=QUALITY, method=4)
    return out.getvalue()


def process(data: bytes) -> tuple[bytes, bytes]:
    """(listing, detail) WebP bytes of an uploaded image; ImageRejected when it is not one."""
    if not data:
        raise ImageRejected("이미지 파일을 선택해 주세요.")
    img = _decode(data)
    listing = ImageOps.fit(img, LISTING, method=Image.Resampling.LANCZOS)
    detail = img.copy()
    detail.thumbnail(DETAIL, Image.Resampling.LANCZOS)
    return _encode(listing), _encode(detail)


def store(product, data: bytes) -> None:
    """Process ``data`` and make it ``product``'s image (caller's transaction); bumps its ``image_rev``."""
    listing, detail = process(data)
    row = db.session.get(ProductImage, product.id)
    if row is None:
        row = ProductImage(product_id=product.id, listing=listing, detail=detail, mimetype="image/webp")
        db.session.add(row)
    else:
        row.listing, row.detail, row.mimetype = listing, detail, "image/webp"
    # Never reused (the revision only grows): browsers keep an image URL forever ("immutable").
    product.image_rev = int(product.revision or 0) + 1


def remove(product) -> None:
    """Drop ``product``'s uploaded image: pages show the generated picture again."""
    row = db.session.get(ProductImage, product.id)
    if row is not None:
        db.session.delete(row)
    product.image_rev = None


def load(product_id: int, size: str) -> tuple[bytes, str] | None:
    """(bytes, mimetype) of a product's image at ``size``, or None."""
    row = db.session.get(ProductImage, product_id)
    if row is None:
        return None
    return (row.listing if size == "listing" else row.detail), row.mimetype
