"""Catalog queries: one query per page, no N+1, nothing loaded that the page does not show.

The result count of a (category, search) pair is kept in-process per catalog version
(``pagecache.catalog_version``, one primary-key read): it is counted again only after
the catalog changed, so a member's listing request costs no COUNT(*) of its own.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from ..extensions import db
from . import pagecache
from .models import Category, Product

PAGE_SIZE = 24
MAX_PAGE = 10_000
MAX_COUNTS = 4096  # (category, search) pairs kept per app; the least recently used go first
_counts_lock = threading.Lock()


# The list's sort orders: value → (Korean label, ORDER BY). The id breaks ties so that
# paging is stable, in the same direction as the price so that one index (active, price, id) serves
# both price orders. Anything else in ``?sort=`` falls back to the default (newest).
SORTS = {
    "new": (_l("신상품순"), (Product.id.desc(),)),
    "price_asc": (_l("낮은 가격순"), (Product.price.asc(), Product.id.asc())),
    "price_desc": (_l("높은 가격순"), (Product.price.desc(), Product.id.desc())),
    "popular": (_l("판매량순"), (Product.sold.desc(), Product.id.desc())),
}
DEFAULT_SORT = "new"


def sort_key(value: str | None) -> str:
    """A known sort order, else the default."""
    return value if value in SORTS else DEFAULT_SORT


@dataclass
class Page:
    products: list
    page: int
    total: int
    pages: int
    sort: str

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def window(self, width: int = 2) -> list[int]:
        """Page numbers to link around the current one."""
        return list(range(max(1, self.page - width), min(self.pages, self.page + width) + 1))


def categories() -> list[Category]:
    return list(db.session.execute(select(Category).order_by(Category.position, Category.id)).scalars())


def category_by_slug(slug: str | None) -> Category | None:
    if not slug:
        return None
    return db.session.execute(select(Category).filter_by(slug=slug[:40])).scalar_one_or_none()


def search(q: str = "", category: Category | None = None, page: int = 1, per_page: int = PAGE_SIZE,
           sort: str = DEFAULT_SORT) -> Page:
    """Active products matching ``q`` (title contains) in ``category``, in ``sort`` order, one page.

    The count uses the same filters (the (active, category, id) index serves both).
    A page past the last shows the last page.
    """
    sort = sort_key(sort)
    cond = [Product.active.is_(True)]
    if category is not None:
        cond.append(Product.category_id == category.id)
    q = (q or "").strip()[:50]
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        cond.append(Product.title.ilike(f"%{escaped}%", escape="\\"))
    total = _count(cond, (category.id if category is not None else None, q))
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), MAX_PAGE, pages)
    stmt = (select(Product).where(*cond).order_by(*SORTS[sort][1])
            .offset((page - 1) * per_page).limit(per_page))
    rows = list(db.session.execute(stmt).scalars().unique())
    return Page(products=rows, page=page, total=total, pages=pages, sort=sort)


def _count(cond: list, key: tuple) -> int:
    """The number of products matching ``cond``, counted once per catalog version and ``key``."""
    # The version is read before counting: a change committed in between is then counted
    # already and stored under the older version, which the next request no longer asks for.
    version = pagecache.catalog_version()
    store = current_app.extensions.setdefault("sentem_catalog_counts", {"version": None, "counts": OrderedDict()})
    with _counts_lock:
        if store["version"] != version:
            store["version"], store["counts"] = version, OrderedDict()
        counts = store["counts"]
        total = counts.get(key)
        if total is not None:
            counts.move_to_end(key)
            return total
    total = db.session.execute(select(func.count()).select_from(Product).where(*cond)).scalar_one()
    with _counts_lock:
        if store["version"] == version:
            counts[key] = total
            while len(counts) > MAX_COUNTS:
                counts.popitem(last=False)
    return total


def featured(limit: int = 8) -> list[Product]:
    """Products for the home page: featured first, then the newest."""
    return list(db.session.execute(
        select(Product).where(Product.active.is_(True), Product.stock > 0)
        .order_by(Product.featured.desc(), Product.id.desc()).limit(limit)).scalars().unique())


def get_active(product_id: int) -> Product | None:
    """An active product, or None (unknown and inactive look the same: 404)."""
    p = db.session.get(Product, product_id)
    return p if p is not None and p.active else None


def product_categories() -> Select:
    """A SELECT of (product_id, category_id) of every product (statistics: sales by category)."""
    return select(Product.id.label("product_id"), Product.category_id)
