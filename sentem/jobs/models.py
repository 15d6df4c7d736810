"""The jobs' one table: ``job_runs``, a timestamp per name.

The in-process scheduler claims each occurrence of a recurring job here, the probe
stamps its runs here, and the scheduler's heartbeat is a row here too.
"""
from __future__ import annotations

from ..db_types import UTCDateTime
from ..extensions import db


class JobRun(db.Model):
    """The last time something named ran: a recurring job, the probe, the scheduler's heartbeat."""

    __tablename__ = "job_runs"

    name = db.Column(db.String(64), primary_key=True)
    last_run_at = db.Column(UTCDateTime, nullable=True)
