"""The scheduler's heartbeat: one row in the database that /healthz reads.

Whichever scheduler leads writes it on every pass: the cron process beside ``flask
worker`` (while it holds the lease) or the in-process scheduler (embedded mode).
It is a database row, not a Redis key, because the database is what survives:
a Redis restart would take a key with it and leave nothing to tell a dead scheduler
from a restarted one, the embedded mode has no Redis at all, and every web process
reads the same row. The cron process has no app, so ``write`` takes a plain
connection (the in-process scheduler passes its app's engine).
"""
from __future__ import annotations

import datetime as _dt

from flask import current_app
from sqlalchemy import insert, select, update

from .. import clock
from ..extensions import db
from .models import JobRun

NAME = "scheduler:heartbeat"
# Older than this, /healthz answers 503: minutes, where the first legal deadline is
# days away (a withdrawal's 5-day destruction), so someone hears of a dead scheduler
# long before a duty is late. Schedulers beat every few seconds (RQ) or every minute
# (in-process).
STALE_AFTER = _dt.timedelta(minutes=5)


def write(conn, at: _dt.datetime | None = None) -> None:
    """Record a heartbeat ``at`` (default: now) through SQLAlchemy connection ``conn``."""
    at = at or clock.now()
    table = JobRun.__table__
    if not conn.execute(update(table).where(table.c.name == NAME).values(last_run_at=at)).rowcount:
        # The first beat ever; two at once make one fail on the key, and the next beat lands.
        conn.execute(insert(table).values(name=NAME, last_run_at=at))


def beat() -> None:
    """Record a heartbeat now, on the current app's database (its own transaction)."""
    with db.engine.begin() as conn:
        write(conn)


def last() -> _dt.datetime | None:
    """When a scheduler last beat, or None if none ever did."""
    with db.engine.connect() as conn:
        return conn.execute(select(JobRun.__table__.c.last_run_at).where(JobRun.__table__.c.name == NAME)).scalar()


def health_check() -> tuple[bool, str]:
    """Health: the scheduler's last heartbeat, failing when older than ``STALE_AFTER``.

    ``SENTEM_SCHEDULER_CHECK`` off skips it, for setups that run no scheduler on purpose
    (the test suite).
    """
    if not current_app.config.get("SENTEM_SCHEDULER_CHECK", True):
        return True, "not checked (SENTEM_SCHEDULER_CHECK is off)"
    at = last()
    if at is None:
        return False, "no scheduler heartbeat yet: is `flask worker` (or the in-process scheduler) running?"
    age = int((clock.now() - at).total_seconds())
    seen = f"last heartbeat {at.isoformat(timespec='seconds')} ({age}s ago)"
    if clock.now() - at > STALE_AFTER:
        return False, f"{seen}, older than {int(STALE_AFTER.total_seconds()) // 60} minutes: recurring jobs are not running"
    return True, seen
