"""``flask demo seed``: a catalog with stock and a staff account per role, idempotent."""
from sentem.shop.models import Category, Product


def test_demo_seed_is_idempotent(runner, client):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert Category.query.count() >= 3
    assert Product.query.filter(Product.stock > 0, Product.active.is_(True)).count() >= 12
    assert "privacy_officer" in first.output and "TOTP secret:" in first.output
    assert "password:" in first.output
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0, second.output
    assert "0 categories and 0 products added" in second.output and "already exists" in second.output
    assert Product.query.count() == 14
    home = client.get("/").get_data(as_text=True)
    assert "왓플래닛 머그컵" in home
    assert "catalog_staff" in first.output


def test_demo_catalog_has_notice_items_and_photos(runner, client):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    kitchen = Category.query.filter_by(slug="kitchen").one()
    assert "재질" in kitchen.notice_fields
    tumbler = Product.query.filter_by(title="스테인리스 텀블러").one()
    assert tumbler.notice["품명 및 모델명"] == "스테인리스 텀블러" and tumbler.image_rev is not None
    page = client.get(f"/products/{tumbler.id}").get_data(as_text=True)
    assert "상품정보제공고시" in page and "왓플래닛 고객센터" in page
    photo = client.get(tumbler.image_url("listing"))
    assert photo.status_code == 200 and photo.mimetype == "image/webp"
    assert Product.query.filter(Product.image_rev.is_(None)).count() == 0
