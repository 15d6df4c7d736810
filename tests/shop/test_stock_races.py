"""Stock adjustments racing purchases: both are conditional UPDATEs, so none is lost and stock
never goes below zero, whatever the order the database runs them in (both databases)."""
from sentem.extensions import db
from sentem.shop import catalog_admin, inventory
from sentem.shop.models import Product, StockAdjustment
from tests.admin.builders import make_staff
from tests.orders.builders import make_product
from tests.races import errors, race


def _purchase(product_id, quantity):
    def act():
        ok = inventory.take(product_id, quantity)
        db.session.commit()
        return ok
    return act


def _adjust(product_id, delta, staff_id):
    def act():
        entry = catalog_admin.adjust_stock(db.session.get(Product, product_id), str(delta), "실사", staff_id)
        db.session.commit()
        return entry.stock_after
    return act


def test_a_removal_and_a_purchase_of_the_last_units_never_both_pass(app):
    staff_id = make_staff("catalog_staff")[0].id
    product_id = make_product(stock=5).id
    db.session.remove()

    bought, removed = race(app, [_purchase(product_id, 5), _adjust(product_id, -3, staff_id)])

    assert errors([bought, removed], catalog_admin.CatalogError) == []
    stock = db.session.get(Product, product_id).stock
    if bought is True:  # the purchase ran first: the removal was refused, nothing recorded
        assert isinstance(removed, catalog_admin.CatalogError) and stock == 0
        assert db.session.execute(db.select(StockAdjustment)).first() is None
    else:
        assert bought is False and removed == 2 and stock == 2


def test_restocking_while_customers_buy_loses_nothing(app):
    staff_id = make_staff("catalog_staff")[0].id
    product_id = make_product(stock=4).id
    db.session.remove()
    actions = [_purchase(product_id, 2)] * 4 + [_adjust(product_id, 3, staff_id)] * 4

    results = race(app, actions)

    assert errors(results) == []
    sold = 2 * sum(1 for r in results[:4] if r is True)
    product = db.session.get(Product, product_id)
    assert product.stock == 4 + 12 - sold >= 0 and product.sold == sold
    after = sorted(r.stock_after for r in db.session.execute(db.select(StockAdjustment)).scalars())
    # Each row holds the level its own UPDATE produced (never a stale read): at least its +3, at most all of it.
    assert len(after) == 4 and all(3 <= a <= 16 for a in after) and max(after) >= 16 - sold
