"""The embedded mode's scheduler: the recurring jobs, on time, in a background thread.

Runs are claimed in the database (``job_runs``), so several processes sharing one
database run each occurrence once. Each pass writes the scheduler's heartbeat first
(``heartbeat.py``), so /healthz notices a scheduler that stopped.
"""
from __future__ import annotations

import logging
import threading

from croniter import croniter
from sqlalchemy import update

from .. import clock
from ..extensions import db
from . import heartbeat, schedule
from .models import JobRun

log = logging.getLogger("sentem.jobs")
_started = False
_lock = threading.Lock()


def run_due(app, entries=None) -> list[str]:
    """Run every recurring job whose next occurrence has passed; returns their names.

    A job first seen is only registered (its first occurrence is the next one). Missed
    occurrences collapse into one run: duties are rows, so one pass catches up.
    ``entries`` defaults to the whole schedule.
    """
    ran = []
    with app.app_context():
        now = clock.now()
        for entry in (schedule.entries(app) if entries is None else entries):
            row = db.session.get(JobRun, entry.name)
            if row is None:
                row = JobRun(name=entry.name, last_run_at=now)
                db.session.add(row)
                db.session.commit()
                continue
            due = croniter(entry.cron, row.last_run_at).get_next(type(now))
            if due > now:
                continue
            claimed = db.session.execute(
                update(JobRun).where(JobRun.name == entry.name, JobRun.last_run_at == row.last_run_at)
                .values(last_run_at=now)).rowcount
            db.session.commit()
            if claimed:
                log.info("in-process scheduler: running %s", entry.name)
                try:
                    entry.resolve()()
                except Exception:
                    log.exception("in-process job %s failed", entry.name)
                ran.append(entry.name)
    return ran


def run_pass(app, entries=None) -> list[str]:
    """One pass of the in-process scheduler: the heartbeat, then every due job (``run_due``)."""
    with app.app_context():
        heartbeat.beat()
    return run_due(app, entries)


def start(app, interval: float = 60.0) -> bool:
    """Start the background thread once per process (embedded mode only).

    The first heartbeat is written before this returns, so the request that started
    the scheduler (often /healthz itself) already sees it beating.
    """
    global _started
    with _lock:
        if _started or app.config["SENTEM_REDIS_URL"] or not app.config["SENTEM_INPROCESS_SCHEDULER"]:
            return False
        _started = True
    stop = threading.Event()
    try:
        with app.app_context():
            heartbeat.beat()
    except Exception:
        log.exception("in-process scheduler: first heartbeat failed")

    def loop():
        log.info("no SENTEM_REDIS_URL: recurring jobs run in-process every %.0fs", interval)
        while not stop.wait(interval):
            try:
                run_pass(app)
            except Exception:
                log.exception("in-process scheduler pass failed")

    threading.Thread(target=loop, name="sentem-scheduler", daemon=True).start()
    return True
