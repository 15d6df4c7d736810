"""Stock levels of products, changed only by conditional updates (the API orders call).

``adjust`` (staff: received goods, damage, a count) is the same conditional UPDATE
with its reason and actor recorded, so a purchase racing it can never drive stock
below zero nor be lost. ``take`` is a conditional ``UPDATE products SET stock = stock - q WHERE id = :id AND
stock >= q``: it answers False instead of overselling. Both run in the caller's
transaction; bumping ``revision`` tells the catalog's page cache the product changed,
and stock that runs out or comes back also bumps the catalog's version (the listings'
품절 badge) — any other sale leaves the listings cached.
"""
from __future__ import annotations

import functools

from sqlalchemy import bindparam, update

from ..extensions import db
from .models import Product, StockAdjustment, bump_catalog


def take(product_id: int, quantity: int) -> bool:
    """Take ``quantity`` of an active product; False (nothing changed) when there is not enough."""
    left = db.session.execute(_take(), {"b_id": product_id, "b_qty": quantity}).scalar_one_or_none()
    if left is None:
        return False
    if left == 0:
        bump_catalog(db.session.connection())  # sold out now: listings show 품절
    return True


@functools.cache
def _take():
    # Built once (every purchase sends it): building it costs more than running it.
    qty = bindparam("b_qty")
    return (update(Product).where(Product.id == bindparam("b_id"), Product.stock >= qty, Product.active.is_(True))
            .values(stock=Product.stock - qty, sold=Product.sold + qty, revision=Product.revision + 1)
            .returning(Product.stock).execution_options(synchronize_session=False))


def give_back(product_id: int, quantity: int) -> None:
    """Return ``quantity`` to a product's stock (a cancelled or failed order's)."""
    now = db.session.execute(update(Product).where(Product.id == product_id)
                             .values(stock=Product.stock + quantity, sold=Product.sold - quantity,
                                     revision=Product.revision + 1)
                             .returning(Product.stock).execution_options(synchronize_session=False)
                             ).scalar_one_or_none()
    if now is not None and now - quantity <= 0 < now:
        bump_catalog(db.session.connection())  # back in stock: listings drop 품절


def adjust(product_id: int, delta: int, reason: str, staff_id: int | None) -> StockAdjustment | None:
    """Add ``delta`` (negative: remove) to a product's stock and record why and by whom.

    None (nothing changed) when the product is unknown or the result would be below zero.
    The new level is the one the UPDATE produced, never a value read earlier.
    """
    now = db.session.execute(
        update(Product).where(Product.id == product_id, Product.stock + delta >= 0)
        .values(stock=Product.stock + delta, revision=Product.revision + 1)
        .returning(Product.stock).execution_options(synchronize_session=False)).scalar_one_or_none()
    if now is None:
        return None
    if (now == 0) != (now - delta == 0):
        bump_catalog(db.session.connection())  # sold out or back in stock: the listings' 품절 badge
    entry = StockAdjustment(product_id=product_id, delta=delta, stock_after=now, reason=reason, staff_id=staff_id)
    db.session.add(entry)
    db.session.flush()
    return entry
