"""The nightly statistics job: profiles kept up to date, aggregates rebuilt, set-based.

Order of a run, and why:

1. take the lease (compare-and-set on ``stat_lease``): two schedulers never build at once; the
   lease row stays locked by the run's transaction (``deletions``: a deletion meanwhile waits);
2. a new pseudonym key for this run (``pseudonyms``); the previous one is still read;
3. every member classified and pseudonymised in one INSERT … SELECT into a temporary table
   (``staging``: member id, pseudonym under the new key and under the previous one, reason,
   signup month, "profile changed") that lives only in this transaction's connection: it is
   what lets SQL join orders and logins to pseudonyms, and it is dropped before the commit,
   so no member id is ever stored in a statistics table;
4. the ledger counts who the previous run counted and this one leaves out, and why; the
   profiles of those still counted are re-keyed to the new pseudonyms (the tables rewritten),
   the others deleted;
5. the profiles brought up to date (``profiles``): only new, changed or birthday-due members
   are decrypted; orders, visits and categories are recomputed in SQL for those and for the
   members whose orders or logins were written since the last run (``changes``) or deleted
   (``deletions``: the marks the erasures port left), or for everyone on a full run, and
   written where they differ;
6. sales rebuilt for the days whose orders changed or were deleted, visits and cells with INSERT … SELECT …
   GROUP BY (``aggregates``);
7. the previous pseudonym key shredded — all in the same transaction: readers see the old
   figures or the new ones, never a mix, and a failed run keeps the old key and profiles.

The ledger row records each step's seconds (``timings``) and how many profiles were decrypted.
"""
from __future__ import annotations

import datetime as _dt
import logging
import time

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from ..jobs import job
from . import aggregates, changes, deletions, profiles, pseudonyms, sqlfns, staging, subjects
from .models import StatLease, StatRun

log = logging.getLogger("sentem.statistics")
LEASE = _dt.timedelta(hours=2)
CHANGE_MARGIN = changes.CHANGE_MARGIN


def run() -> StatRun | None:
    """Rebuild every statistic now; returns the ledger row (None when another run holds the lease)."""
    now = clock.now()
    row = StatRun(started_at=now, status="running")
    db.session.add(row)
    db.session.flush()
    if not _take_lease(row.id, now):
        db.session.rollback()
        log.info("statistics: another run is building; skipped")
        return None
    db.session.commit()
    try:
        _build(row)
    except Exception as exc:
        db.session.rollback()
        _finish(row.id, "failed", error=f"{type(exc).__name__}: {exc}"[:300])
        log.exception("statistics run %s failed", row.id)
        raise
    return db.session.get(StatRun, row.id)


@job
def nightly_job() -> int | None:
    """Job wrapper of ``run`` (the schedule's nightly entry); returns the run id."""
    row = run()
    return row.id if row else None


def _take_lease(run_id: int, now: _dt.datetime) -> bool:
    if db.session.get(StatLease, 1) is None:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(StatLease).values(id=1))
        except IntegrityError:  # another process made the row first
            pass
    taken = db.session.execute(
        StatLease.__table__.update()
        .where(StatLease.id == 1, (StatLease.until.is_(None)) | (StatLease.until < now))
        .values(run_id=run_id, until=now + LEASE)).rowcount
    return taken == 1


def _finish(run_id: int, status: str, **values) -> None:
    db.session.execute(StatRun.__table__.update().where(StatRun.id == run_id)
                       .values(status=status, finished_at=clock.now(), **values))
    db.session.execute(StatLease.__table__.update().where(StatLease.id == 1, StatLease.run_id == run_id)
                       .values(run_id=None, until=None))
    db.session.commit()


class _Steps:
    """Seconds per step of one run, for the ledger."""

    def __init__(self):
        self.parts: list[str] = []

    def __call__(self, name: str, fn, *args):
        started = time.perf_counter()
        result = fn(*args)
        self.parts.append(f"{name}={time.perf_counter() - started:.1f}")
        return result

    def text(self) -> str:
        return " ".join(self.parts)[:400]


def _build(row: StatRun) -> None:
    step = _Steps()
    deletions.lock_for_run()  # first: a deletion marking members now waits for this run's key
    previous = pseudonyms.current()
    key_id, raw = pseudonyms.start_new(row.id)
    since = changes.since_last_run()
    sqlfns.tune()
    staging.create()
    unreadable = deletions.stage(previous and previous[0])
    full = changes.needs_full(since) or unreadable
    excluded = step("classify", subjects.classify, raw, previous and previous[1], since)
    left = step("ledger", profiles.left_since_last) if previous else {}
    step("rekey", profiles.rekey)
    decrypted = step("decrypt", profiles.decrypt_due)
    step("scope", profiles.stage_scope, None if full else since)
    step("bought", profiles.stage_bought)
    step("facts", profiles.stage_facts)
    step("profiles", profiles.write)
    step("categories", profiles.write_categories)
    step("sales", aggregates.sales, None if full else since)
    step("visits", aggregates.visits)
    counted = step("cells", aggregates.cells)
    deletions.clear()
    staging.drop()
    pseudonyms.shred_all_but(key_id)
    _finish(row.id, "done", key_id=key_id, full=full, counted=counted, decrypted=decrypted, timings=step.text(),
            **{f"excluded_{r}": n for r, n in excluded.items()},
            **{f"left_{r}": left.get(r, 0) for r in (*subjects.REASONS, "gone")})
