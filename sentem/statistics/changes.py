"""What a night must recompute: since when records changed, and whether to recompute all.

A run recomputes the facts and categories of the members with an order or a login written
since the previous run, and the sales of the days of those orders (``profiles``,
``aggregates``). The previous run's start, minus ``CHANGE_MARGIN``, is where changes are
looked for: a change committed just after that run read the records is caught by the next.

An order or a login deleted by its retention period or with a withdrawal leaves no trace in
``updated_at``: the deleting feature announces it through the privacy core's erasures port and
``deletions`` marks the member and the day for the next run. A product moved to another
category changes old days and other members' categories: a run recomputes everything
(``full``) when a product's category differs from what the last run saw
(``stat_product_categories``), when there is no finished run yet, and when a mark cannot be
read (``deletions``).
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import delete, insert, select

from .. import clock
from ..extensions import db
from ..shop import catalog
from .models import StatProductCategory, StatRun

CHANGE_MARGIN = _dt.timedelta(hours=1)


def since_last_run() -> _dt.datetime | None:
    """From when changes must be looked for; None when no run has finished yet."""
    last = db.session.execute(select(StatRun.started_at).where(StatRun.status == "done")
                              .order_by(StatRun.id.desc()).limit(1)).scalar_one_or_none()
    return None if last is None else clock.as_utc(last) - CHANGE_MARGIN


def needs_full(since: _dt.datetime | None) -> bool:
    """Whether this run recomputes every member and every day (see the module)."""
    moved = _categories_moved()  # first: the snapshot is kept up to date on every run
    return since is None or moved


def _categories_moved() -> bool:
    """Whether any product's category differs from the snapshot; the snapshot is brought up to date."""
    products = catalog.product_categories().subquery()
    now = {pid: cat or 0 for pid, cat in db.session.execute(select(products.c.product_id, products.c.category_id))}
    seen = dict(db.session.execute(select(StatProductCategory.product_id, StatProductCategory.category_id)).all())
    if now == seen:
        return False
    db.session.execute(delete(StatProductCategory))
    if now:
        db.session.execute(insert(StatProductCategory), [{"product_id": p, "category_id": c} for p, c in now.items()])
    # A product that is new (first sold since the last run) moves nobody's history.
    return any(seen.get(p, c) != c for p, c in now.items()) or bool(seen.keys() - now.keys()) or not seen

