"""Day keys (``security/expiring.py``) whose day is over: shredded, so records that ended
while their member stays are unreadable in every older backup too.

Runs after the classes' ``expire`` in the same sweep, so an ``until`` day's records are
gone by then. Any still there (held by a dispute, or an ``expire`` that failed) are sealed
again under a later day first — nothing live is ever lost; a row that cannot be sealed
again (the append-only access log) keeps its day's key alive, loudly. An ``open`` key
(records whose end was not yet known when written) is shredded once its day is over and
no record is left under it. The key step that follows (``datakeys.after_destruction``)
re-keys the buckets and erases the old root before the deadline: the retain-until day's
start + 5 days.

Values written before day keys existed (``day_key_id`` empty, tokens under the member's or
a master key alone) still open; ``backfill`` seals them under their day key, a batch per
table and run. Backups taken before that keep those older tokens (see README).
"""
from __future__ import annotations

import datetime as _dt
import logging

from sqlalchemy import func, or_, select

from ... import clock
from ...extensions import db
from ...security import aead, expiring, fields
from . import claims, ledger

log = logging.getLogger("sentem.retention")
RESEAL_BATCH = 500
BACKFILL_BATCH = 2000  # rows per table and run: hourly runs catch up without a long transaction


def close(as_of: _dt.datetime, summary: ledger.Summary, job: str) -> int:
    """Shred every day key that is due, each with its ledger row (``claims.shred``); returns how many."""
    shredded = 0
    for key_id, kind, day in expiring.due(as_of):
        if summary.dry_run:  # the run itself expires an until day's records first, or seals them again
            if kind == expiring.UNTIL or not rows_under(key_id):
                summary.counts[("keys", "expiry_key_shred")] += 1
            continue
        if kind == expiring.UNTIL:
            _reseal_leftovers(key_id, as_of)
        left = rows_under(key_id)
        if left:
            if kind == expiring.UNTIL:
                log.warning("retention: day key of %s kept: %d rows cannot be sealed again", day, left)
            continue
        claims.shred(key_id, expiring.deadline(kind, day, as_of), "keys", "expiry_key_shred", summary, job)
        shredded += 1
    return shredded


def prepare(as_of: _dt.datetime) -> int:
    """The coming days' keys, made ahead (``expiring.prepare``): from ``as_of`` or now, the later."""
    return expiring.prepare(fields.day_key_retentions(), max(clock.as_utc(as_of), clock.now()))


def backfill(as_of: _dt.datetime, batch: int = BACKFILL_BATCH) -> int:
    """Seal rows written before day keys under their day key (up to ``batch`` a table; commits).
    Rows whose member key is already shredded are left to their destruction."""
    done = 0
    for model in fields.day_keyed_models():
        if not getattr(model, "day_key_reseal", True):
            continue
        columns = [getattr(model, f.column_attr) for f in fields.personal_fields(model) if f.expires is not None]
        rows = db.session.execute(select(model).where(model.day_key_id.is_(None), or_(*(c.is_not(None) for c in columns)))
                                  .order_by(model.id).limit(batch)).scalars().all()
        for row in rows:
            try:
                with db.session.begin_nested():
                    fields.reseal(row, not_before=as_of)
                    db.session.flush()
                done += 1
            except aead.KeyDestroyed:  # a withdrawn member's row, destroyed by its own duty
                continue
        db.session.commit()
    if done:
        log.info("retention: %d rows written before day keys sealed under their day key", done)
    return done


def rows_under(key_id: int) -> int:
    """How many records are sealed under this day key, in every day-keyed table."""
    return sum(db.session.execute(select(func.count()).select_from(model).where(model.day_key_id == key_id))
               .scalar_one() for model in fields.day_keyed_models())


def _reseal_leftovers(key_id: int, as_of: _dt.datetime) -> None:
    # Records past their day that are still here: sealed under a day not yet over (the
    # expiry's own day at least), in batches, each committed.
    for model in fields.day_keyed_models():
        if not getattr(model, "day_key_reseal", True):
            continue
        while True:
            rows = db.session.execute(select(model).where(model.day_key_id == key_id)
                                      .limit(RESEAL_BATCH)).scalars().all()
            if not rows:
                break
            for row in rows:
                fields.reseal(row, not_before=as_of)
                if row.day_key_id == key_id:  # cannot happen: the day chosen is never over
                    raise RuntimeError(f"{model.__tablename__} {row.id}: no later day key")
            db.session.commit()
            log.info("retention: %d %s rows sealed under a later day key", len(rows), model.__tablename__)


def next_due(as_of: _dt.datetime | None = None) -> list[str]:
    """Labels of the day keys due at ``as_of`` (``retention status``, tests)."""
    return [f"{kind}:{day.isoformat()}" for _, kind, day in expiring.due(as_of or clock.now())]
