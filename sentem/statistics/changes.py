"""What a night must recompute: since when records changed, and whether to recompute all.

A run recomputes the facts and categories of the members with an order or a login written
since the previous run, and the sales of the days of those orders (``profiles``,
``aggregates``). The previous run's start, minus ``CHANGE_MARGIN``, is where changes are
looked for: a change committed just after that run read the records is caught by the next.

An order or a login deleted by its retention period or with a withdrawal leaves no trace in
``updated_at``: the deleting feature announces it through the privacy core's erasures port and
``deletions`` marks the member and the day for the next run. A product moved to another
category changes the categories of everyone who ever bought it and the sales of every day it
sold on: the run compares each product's category with what the last run saw
(``stat_product_categories``) and recomputes those buyers and those days (``MOVED``). A run
recomputes everything (``full``) only when no run has finished yet, when there is no such
snapshot yet, and when a mark cannot be read (``deletions``).
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import delete, insert, select

from .. import clock
from ..extensions import db
from ..shop import catalog
from .models import StatProductCategory, StatRun
from .staging import MOVED

CHANGE_MARGIN = _dt.timedelta(hours=1)


def since_last_run() -> _dt.datetime | None:
    """From when changes must be looked for; None when no run has finished yet."""
    last = db.session.execute(select(StatRun.started_at).where(StatRun.status == "done")
                              .order_by(StatRun.id.desc()).limit(1)).scalar_one_or_none()
    return None if last is None else clock.as_utc(last) - CHANGE_MARGIN


def needs_full(since: _dt.datetime | None) -> bool:
    """Whether this run recomputes every member and every day (see the module); the products
    moved since the last run are staged in ``MOVED`` meanwhile (``stage_moved``)."""
    no_snapshot = stage_moved()  # first: the snapshot is kept up to date on every run
    return since is None or no_snapshot


def stage_moved() -> bool:
    """Stage the products whose category differs from the snapshot (or that are gone) in
    ``MOVED`` and bring the snapshot up to date; returns whether there was no snapshot yet
    (then nothing says what moved: the run must recompute everything)."""
    products = catalog.product_categories().subquery()
    now = {pid: cat or 0 for pid, cat in db.session.execute(select(products.c.product_id, products.c.category_id))}
    seen = dict(db.session.execute(select(StatProductCategory.product_id, StatProductCategory.category_id)).all())
    if now == seen:
        return False
    db.session.execute(delete(StatProductCategory))
    if now:
        db.session.execute(insert(StatProductCategory), [{"product_id": p, "category_id": c} for p, c in now.items()])
    # A product that is new (first sold since the last run) moves nobody's history.
    moved = sorted({p for p, c in now.items() if seen.get(p, c) != c} | (seen.keys() - now.keys()))
    if moved:
        db.session.execute(insert(MOVED), [{"product_id": p} for p in moved])
    return not seen


def moved_any() -> bool:
    """Whether this run staged a moved product (``stage_moved``)."""
    return db.session.execute(select(MOVED.c.product_id).limit(1)).first() is not None
