"""The retention sweep as a job (RQ cron hourly, or the in-process scheduler)."""
from __future__ import annotations

from ... import clock
from ...jobs import job
from .sweep import SweepBusy, sweep


@job
def sweep_job(as_of: str | None = None) -> dict:
    """Run the sweep now (or as of an ISO date); idempotent. Returns the summary as a dict."""
    when = clock._coerce(as_of) if as_of else None
    try:
        return sweep(as_of=when, job="sweep_job").as_dict()
    except SweepBusy:
        return {"skipped": "another sweep is running"}
