"""Catalog queries: one query per page, no N+1, nothing loaded that the page does not show."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select

from ..extensions import db
from .models import Category, Product

PAGE_SIZE = 24
MAX_PAGE = 10_000


@dataclass
class Page:
    products: list
    page: int
    has_prev: bool
    has_next: bool


def categories() -> list[Category]:
    return list(db.session.execute(select(Category).order_by(Category.position, Category.id)).scalars())


def category_by_slug(slug: str | None) -> Category | None:
    if not slug:
        return None
    return db.session.execute(select(Category).filter_by(slug=slug[:40])).scalar_one_or_none()


def search(q: str = "", category: Category | None = None, page: int = 1, per_page: int = PAGE_SIZE) -> Page:
    """Active products matching ``q`` (title contains) in ``category``, newest first.

    Fetches one row more than the page to know whether a next page exists, instead
    of a COUNT over the whole catalog on every request.
    """
    page = min(max(page, 1), MAX_PAGE)
    stmt = select(Product).where(Product.active.is_(True))
    if category is not None:
        stmt = stmt.where(Product.category_id == category.id)
    q = (q or "").strip()[:50]
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Product.title.ilike(f"%{escaped}%", escape="\\"))
    stmt = stmt.order_by(Product.id.desc()).offset((page - 1) * per_page).limit(per_page + 1)
    rows = list(db.session.execute(stmt).scalars().unique())
    return Page(products=rows[:per_page], page=page, has_prev=page > 1, has_next=len(rows) > per_page)


def featured(limit: int = 8) -> list[Product]:
    """Products for the home page: featured first, then the newest."""
    return list(db.session.execute(
        select(Product).where(Product.active.is_(True), Product.stock > 0)
        .order_by(Product.featured.desc(), Product.id.desc()).limit(limit)).scalars().unique())


def get_active(product_id: int) -> Product | None:
    """An active product, or None (unknown and inactive look the same: 404)."""
    p = db.session.get(Product, product_id)
    return p if p is not None and p.active else None


PALETTE = ("#2b59c3", "#1e8449", "#b9770e", "#8e44ad", "#c0392b", "#117a65", "#5d6d7e", "#a04000")


def placeholder_svg(product: Product) -> str:
    """A generated placeholder image: the product's first letter on a colour from its id."""
    from markupsafe import escape

    colour = PALETTE[product.id % len(PALETTE)]
    letter = escape((product.title or "?")[:1])
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 200" width="300" height="200">'
            f'<rect width="300" height="200" fill="{colour}"/>'
            f'<text x="150" y="125" font-size="84" text-anchor="middle" fill="#fff" '
            f'font-family="sans-serif">{letter}</text></svg>')


def product_categories() -> Select:
    """A SELECT of (product_id, category_id) of every product (statistics: sales by category)."""
    return select(Product.id.label("product_id"), Product.category_id)
