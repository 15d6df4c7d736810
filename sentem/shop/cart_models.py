"""The guest cart's tables: a visitor's cart, named by a random cookie, and its lines.

The cookie's value is never stored: the table keeps its SHA-256 (``token_hash``), so a
copy of the database names no browser's cart. A cart holds no personal data (a product
list and dates); it expires ``GUEST_CART_COOKIE`` days after its last change.
"""
from __future__ import annotations

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from .models import Product


class GuestCart(db.Model):
    """A visitor's cart, until it expires or is merged into a member's cart at login."""

    __tablename__ = "guest_carts"

    id = db.Column(db.Integer, primary_key=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = db.Column(UTCDateTime, nullable=False, index=True)


class GuestCartItem(db.Model):
    """One product in a guest cart (the same columns as a member's ``CartItem``)."""

    __tablename__ = "guest_cart_items"
    __table_args__ = (db.UniqueConstraint("cart_id", "product_id", name="uq_guest_cart_items_cart_product"),)

    id = db.Column(db.Integer, primary_key=True)
    cart_id = db.Column(db.Integer, db.ForeignKey("guest_carts.id", ondelete="CASCADE"), nullable=False, index=True)
    product_id = db.Column(db.Integer, db.ForeignKey("products.id", ondelete="CASCADE"), nullable=False)
    quantity = db.Column(db.Integer, nullable=False)
    added_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    product = db.relationship(Product, lazy="joined")
