"""Records of members who never withdrew, past their retention: each class's ``expire``.

``cutoff_for`` gives the start-event instant before which a record has outlived its
period (used for display and by callers that need it).

Each record class with a period and an ``expire`` function has one standing duty
(``expire_sweep``) whose due date moves on by a day each run; if no sweep runs for
five days, that duty is overdue and the health check fails.
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import select

from ... import clock
from ...extensions import db
from ..registry import REGISTRY, Retention
from . import ledger, services
from .models import EXPIRE_SWEEP, Duty


def cutoff_for(retention: Retention, as_of: _dt.datetime) -> _dt.datetime | None:
    """Records whose start event was at or before this instant have outlived ``retention``."""
    if retention.years is None and retention.days is None:
        return None
    cut = as_of
    if retention.years:
        try:
            cut = cut.replace(year=cut.year - retention.years)
        except ValueError:  # 29 February
            cut = cut.replace(year=cut.year - retention.years, day=28)
    if retention.days:
        cut = cut - _dt.timedelta(days=retention.days)
    return cut


def expirable():
    """Record classes that expire by period (and can)."""
    return [rc for rc in REGISTRY.ordered_record_classes()
            if rc.expire is not None and cutoff_for(rc.retention, clock.now()) is not None]


MAX_BATCHES = 100_000  # per class and run: a misbehaving expire() cannot spin forever


def run(as_of: _dt.datetime, batch_size: int, summary: ledger.Summary, job: str, progress=None) -> int:
    """Call every class's ``expire(as_of, batch)`` until it has nothing left; one commit per batch.

    Per the registry contract ``expire`` gets the instant its records' retention must
    have ended by (the sweep's as-of) and applies its own period from the registry.
    """
    total = 0
    for rc in expirable():
        cutoff = as_of
        duty = _standing_duty(rc.key, as_of)
        if summary.dry_run:
            nested = db.session.begin_nested()
            try:
                summary.counts[(rc.key, "expire")] += rc.expire(cutoff, 10 ** 9) or 0
            finally:
                nested.rollback()
            continue
        for _ in range(MAX_BATCHES):
            n = rc.expire(cutoff, batch_size) or 0
            ledger.add(summary, rc.key, "expire", n, job)
            db.session.commit()  # one batch, one transaction, with its ledger row
            total += n
            if progress and n:
                progress(n)
            if n < batch_size:
                break
        duty.done_at = clock.now()
        duty.due_at = as_of + _dt.timedelta(days=1)
        duty.deadline_at = duty.due_at + services.DEADLINE
        duty.last_error = None
        db.session.commit()
    summary.counts += type(summary.counts)()
    return total


def _standing_duty(rc_key: str, as_of: _dt.datetime) -> Duty:
    duty = db.session.execute(select(Duty).filter_by(kind=EXPIRE_SWEEP, record_class=rc_key,
                                                     subject_ref=rc_key)).scalar_one_or_none()
    if duty is None:
        duty = Duty(kind=EXPIRE_SWEEP, record_class=rc_key, subject_ref=rc_key, due_at=as_of,
                    deadline_at=as_of + services.DEADLINE, status="pending",
                    created_at=clock.now(), updated_at=clock.now())
        db.session.add(duty)
        db.session.flush()
    return duty


def ensure_standing_duties() -> None:
    """Create the standing expiry duties (``flask init`` step); safe to run twice."""
    for rc in expirable():
        _standing_duty(rc.key, clock.now())
