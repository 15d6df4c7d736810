"""A harmless job that proves the plumbing works: it stamps a row in ``job_runs``.

Used by the test that runs a real job through a real RQ worker, and handy for
checking a deployment (``enqueue(probe_job, "deploy-check")`` then look at the row).
``recurring_probe`` is the same as a recurring job (``SENTEM_SCHEDULER_PROBE_SECONDS``).
"""
from __future__ import annotations

from .. import clock
from ..extensions import db
from . import job
from .models import JobRun

PREFIX = "probe:"


@job
def probe_job(name: str) -> str:
    """Record that job ``name`` ran, and when (idempotent: a second run moves the stamp)."""
    key = PREFIX + name
    row = db.session.get(JobRun, key) or JobRun(name=key)
    row.last_run_at = clock.now()
    db.session.add(row)
    db.session.commit()
    return key


@job
def recurring_probe() -> str:
    """The probe as a recurring job: its row moves while the scheduler and a worker both run."""
    return probe_job("recurring")
