"""The nightly statistics job: profiles kept up to date, aggregates rebuilt, set-based.

Order of a run, and why:

1. take the lease (compare-and-set on ``stat_lease``): two schedulers never build at once;
2. this year's pseudonym key (older ones shredded, ``pseudonyms``);
3. every member classified and pseudonymised in one INSERT … SELECT into a temporary table
   (``staging``: member id, pseudonym, reason, signup month, "profile changed") that lives
   only in this transaction's connection: it is what lets SQL join orders and logins to
   pseudonyms, and it is dropped before the commit, so no member id is ever stored in a
   statistics table;
4. the ledger counts who the previous run counted and this one leaves out, and why; their
   profiles are deleted;
5. the profiles brought up to date (``profiles``): only new, changed or birthday-due members
   are decrypted; orders, visits and categories are recomputed in SQL and written where
   they differ;
6. sales, visits and cells rebuilt with INSERT … SELECT … GROUP BY (``aggregates``),
   all in the same transaction: readers see the old figures or the new ones, never a mix.

The ledger row records each step's seconds (``timings``) and how many profiles were decrypted.
"""
from __future__ import annotations

import datetime as _dt
import logging
import time

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from ..jobs import job
from . import aggregates, profiles, pseudonyms, sqlfns, staging, subjects
from .models import StatLease, StatRun

log = logging.getLogger("sentem.statistics")
LEASE = _dt.timedelta(hours=2)
# A profile change is looked for from this long before the previous run started: a change
# committed just after that run read the members is caught by the next one.
CHANGE_MARGIN = _dt.timedelta(hours=1)


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


def _changed_since(year: int) -> _dt.datetime | None:
    """From when profile changes must be looked for: the last finished run's start (minus the
    margin); None when no run of this key year finished (every profile is new anyway)."""
    last = db.session.execute(select(StatRun.started_at).where(StatRun.status == "done", StatRun.key_year == year)
                              .order_by(StatRun.id.desc()).limit(1)).scalar_one_or_none()
    return None if last is None else clock.as_utc(last) - CHANGE_MARGIN


def _build(row: StatRun) -> None:
    step = _Steps()
    year = pseudonyms.current_year()
    pseudonyms.shred_old(year)
    raw = pseudonyms.key(year)
    sqlfns.tune()
    staging.create()
    excluded = step("classify", subjects.classify, raw, _changed_since(year))
    left = step("ledger", profiles.left_since_last, year)
    step("drop", profiles.drop_uncounted)
    step("facts", profiles.stage_facts)
    decrypted = step("decrypt", profiles.decrypt_due)
    step("profiles", profiles.write, year)
    step("categories", profiles.write_categories)
    step("sales", aggregates.sales)
    step("visits", aggregates.visits)
    counted = step("cells", aggregates.cells)
    staging.drop()
    _finish(row.id, "done", key_year=year, counted=counted, decrypted=decrypted, timings=step.text(),
            **{f"excluded_{r}": n for r, n in excluded.items()},
            **{f"left_{r}": left.get(r, 0) for r in (*subjects.REASONS, "gone")})
