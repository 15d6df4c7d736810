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
