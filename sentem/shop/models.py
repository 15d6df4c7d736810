"""Catalog and cart tables.

Product and category titles are columns named ``title`` (not ``name``): they are
shop data, not personal data, and the name keeps them apart from personal items.
Prices and stock are integers (won, units); never floats.
"""
from __future__ import annotations

from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class Category(db.Model):
    """A shelf of the catalog, e.g. 생활용품."""

    __tablename__ = "categories"

    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(40), nullable=False, unique=True)
    title = db.Column(db.String(80), nullable=False)
    position = db.Column(db.Integer, nullable=False, default=0)
    # The 상품정보제공고시 items its products state (labels, in order): see ``shop.notices``.
    notice_fields = db.Column(db.JSON, nullable=False, default=list)
    # Bumped on every change (see ``shop.pagecache``).
    revision = db.Column(db.Integer, nullable=False, default=1)


class CatalogVersion(db.Model):
    """One row, bumped whenever something a catalog listing shows changes.

    Added, edited or removed products and categories bump it, and so does stock that
    runs out or comes back (the listing's 품절 badge); other stock moves bump only the
    product's own ``revision``, which only that product's page reads. The page cache
    reads this one row (and, for a product page, that product's revision): a constant
    cost whatever the catalog's size, and a sale leaves every other page cached.
    """

    __tablename__ = "catalog_version"

    id = db.Column(db.Integer, primary_key=True)
    n = db.Column(db.BigInteger, nullable=False, default=0)


class Product(db.Model):
    """Something for sale. ``stock`` only ever changes by conditional UPDATE (see orders.stock)."""

    __tablename__ = "products"
    __table_args__ = (
        db.CheckConstraint("price >= 0", name="price_nonnegative"),
        db.CheckConstraint("stock >= 0", name="stock_nonnegative"),
        # The catalog lists active products newest first, optionally within a category.
        db.Index("ix_products_active_category", "active", "category_id", "id"),
        # The list's price and best-selling orders (``catalog.SORTS``) page through these, either direction.
        db.Index("ix_products_active_price", "active", "price", "id"),
        db.Index("ix_products_active_sold", "active", "sold", "id"),
        # Title search ("contains", ILIKE '%q%') on PostgreSQL: a trigram index serves queries of
        # 3+ characters whatever the catalog size. SQLite gets a plain index it does not use for
        # this; its search stays a scan bounded by the page size.
        db.Index("ix_products_title_trgm", "title", postgresql_using="gin", postgresql_ops={"title": "gin_trgm_ops"}),
    )

    id = db.Column(db.Integer, primary_key=True)
    category_id = db.Column(db.Integer, db.ForeignKey("categories.id"), nullable=True)
    title = db.Column(db.String(120), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    price = db.Column(db.Integer, nullable=False)  # won, VAT included
    stock = db.Column(db.Integer, nullable=False, default=0)
    active = db.Column(db.Boolean, nullable=False, default=True)
    featured = db.Column(db.Boolean, nullable=False, default=False)
    # A path under static/ (e.g. "img/products/cup.svg"); None shows a generated placeholder.
    image_path = db.Column(db.String(200), nullable=True)
    # Bumped by each upload (``ProductImage``); None: no uploaded image. Part of the image URL.
    image_rev = db.Column(db.Integer, nullable=True)
    # The 상품정보제공고시 values, keyed by the category's ``notice_fields`` labels.
    notice = db.Column(db.JSON, nullable=False, default=dict)
    # Units sold (taken at checkout, given back on cancel): the list's 판매량순.
    sold = db.Column(db.Integer, nullable=False, default=0)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # Bumped on every change (ORM flush and stock UPDATEs): see ``shop.pagecache``.
    revision = db.Column(db.Integer, nullable=False, default=1)

    category = db.relationship(Category, lazy="joined")

    def image_url(self, size: str = "listing") -> str:
        """Where the page finds this product's picture: the upload, a static file, or the generated SVG."""
        if self.image_rev is not None:
            return f"/products/{self.id}/image/{size}.webp?v={self.image_rev}"
        if self.image_path:
            return f"/static/{self.image_path}"
        return f"/products/{self.id}/image.svg"

    @property
    def name(self) -> str:
        """The product's display name (alias of ``title``)."""
        return self.title


class ProductImage(db.Model):
    """A product's uploaded image, re-encoded (metadata stripped) at the listing and detail sizes.

    Kept in the main database so that every process serves it and a backup holds it.
    """

    __tablename__ = "product_images"

    product_id = db.Column(db.Integer, db.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    listing = db.Column(db.LargeBinary, nullable=False)
    detail = db.Column(db.LargeBinary, nullable=False)
    mimetype = db.Column(db.String(20), nullable=False)
    uploaded_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class StockAdjustment(db.Model):
    """A staff member's change of a product's stock, with the reason (sales are in the orders)."""

    __tablename__ = "stock_adjustments"

    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("products.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    delta = db.Column(db.Integer, nullable=False)
    stock_after = db.Column(db.Integer, nullable=False)
    reason = db.Column(db.String(200), nullable=False)
    staff_id = db.Column(db.Integer, db.ForeignKey("staff.id"), nullable=True)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    staff = db.relationship("Staff", lazy="joined")


class CartItem(db.Model):
    """One product in a member's cart; kept in the database so every device sees it."""

    __tablename__ = "cart_items"
    __table_args__ = (db.UniqueConstraint("member_id", "product_id", name="uq_cart_items_member_product"),)

    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, db.ForeignKey("members.id", ondelete="CASCADE"), nullable=False,
                          index=True)
    product_id = db.Column(db.Integer, db.ForeignKey("products.id", ondelete="CASCADE"), nullable=False)
    quantity = db.Column(db.Integer, nullable=False)
    added_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    product = db.relationship(Product, lazy="joined")


# One statement on SQLite and PostgreSQL alike: the first bump creates the row, and two
# concurrent bumps both count (no read-then-write).
BUMP_CATALOG = db.text("INSERT INTO catalog_version (id, n) VALUES (1, 1) "
                       "ON CONFLICT (id) DO UPDATE SET n = catalog_version.n + 1")


def bump_catalog(connection) -> None:
    """Tell every process's page cache that the catalog listings changed (caller's transaction)."""
    connection.execute(BUMP_CATALOG)


@db.event.listens_for(Category, "before_update")
@db.event.listens_for(Product, "before_update")
def _bump_revision(_mapper, _connection, target) -> None:
    # A SQL expression, so that two concurrent changes both count.
    target.revision = type(target).revision + 1


@db.event.listens_for(Category, "after_insert")
@db.event.listens_for(Category, "after_update")
@db.event.listens_for(Category, "after_delete")
@db.event.listens_for(Product, "after_insert")
@db.event.listens_for(Product, "after_update")
@db.event.listens_for(Product, "after_delete")
def _bump_catalog(_mapper, connection, _target) -> None:
    bump_catalog(connection)
