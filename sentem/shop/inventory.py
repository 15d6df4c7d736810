"""Stock levels of products, changed only by conditional updates (the API orders call).

``take`` is a conditional ``UPDATE products SET stock = stock - q WHERE id = :id AND
stock >= q``: it answers False instead of overselling. Both run in the caller's
transaction; bumping ``revision`` tells the catalog's page cache the product changed.
"""
from __future__ import annotations

from sqlalchemy import update

from ..extensions import db
from .models import Product


def take(product_id: int, quantity: int) -> bool:
    """Take ``quantity`` of an active product; False (nothing changed) when there is not enough."""
    result = db.session.execute(
        update(Product).where(Product.id == product_id, Product.stock >= quantity, Product.active.is_(True))
        .values(stock=Product.stock - quantity, revision=Product.revision + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def give_back(product_id: int, quantity: int) -> None:
    """Return ``quantity`` to a product's stock (a cancelled or failed order's)."""
    db.session.execute(update(Product).where(Product.id == product_id)
                       .values(stock=Product.stock + quantity, revision=Product.revision + 1)
                       .execution_options(synchronize_session=False))
