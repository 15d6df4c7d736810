"""The catalog's queries use indexes, checked with the database's own EXPLAIN (issue 19, part 7).

The statements are the ones the catalog service really sends (captured from the engine),
over a catalog big enough that a planner would rather not scan: 50,000 products.
"""
from __future__ import annotations

import contextlib

from sqlalchemy import String, case, cast, event, insert, literal, select, text

from sentem import clock
from sentem.db_types import UTCDateTime
from sentem.extensions import db
from sentem.shop import catalog
from sentem.shop.models import Product
from tests.orders.builders import make_category

SIZE = 50_000  # at 5,000 PostgreSQL rightly prefers walking the primary key


def _catalog(category_id: int) -> None:
    """SIZE products made inside the database (a recursive CTE: portable, and seconds not minutes),
    one in ten in ``category_id``, plus one rare title."""
    words = ("머그컵", "텀블러", "손수건", "노트", "도마", "의자", "파우치", "향초")
    n = select(literal(0).label("i")).cte("n", recursive=True)
    n = n.union_all(select(n.c.i + 1).where(n.c.i < SIZE - 1))
    title = case(*((n.c.i % len(words) == k, w) for k, w in enumerate(words))).concat(" ").concat(cast(n.c.i, String))
    now = literal(clock.now(), UTCDateTime)
    cols = ("title", "description", "price", "stock", "active", "featured", "category_id", "created_at",
            "updated_at", "revision")
    rows = select(title, literal(""), 1000 + n.c.i, literal(10), literal(True), literal(False),
                  case((n.c.i % 10 == 0, category_id), else_=None), now, now, literal(1))
    db.session.execute(insert(Product).from_select(cols, rows))
    db.session.add(Product(title="스테인리스 보온병 한정판", description="", price=39000, stock=5))
    db.session.commit()
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE products" if conn.dialect.name == "postgresql" else "ANALYZE"))
        conn.commit()


@contextlib.contextmanager
def _captured():
    """The SELECTs on products that the block sends to the main database."""
    sent = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if "FROM products" in statement and statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)


def _plan(statement: str, parameters) -> str:
    with db.engine.connect() as conn:
        prefix = "EXPLAIN " if conn.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
        rows = conn.exec_driver_sql(prefix + statement, parameters).fetchall()
    return "\n".join(" ".join(str(c) for c in row) for row in rows)


def test_a_category_listing_pages_through_its_index_without_sorting(app):
    cat = make_category(slug="cups", title="컵")
    _catalog(cat.id)
    with _captured() as sent:
        page = catalog.search("", cat, page=3)
    assert len(page.products) == catalog.PAGE_SIZE
    plan = _plan(*sent[-1])
    assert "ix_products_active_category" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan  # rows come out in page order


def test_title_search_finds_a_rare_title_through_the_trigram_index(app):
    """PostgreSQL: the trigram index answers "contains" for 3+ characters at any catalog size.
    SQLite's fallback walks the newest-first order without sorting and stops at a full page."""
    _catalog(make_category().id)
    with _captured() as sent:
        found = catalog.search("보온병 한정")
    assert [p.title for p in found.products] == ["스테인리스 보온병 한정판"]
    plan = _plan(*sent[-1])
    if db.engine.dialect.name == "postgresql":
        assert "ix_products_title_trgm" in plan, plan
    else:
        assert "TEMP B-TREE" not in plan, plan
