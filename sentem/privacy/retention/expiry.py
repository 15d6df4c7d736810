"""Records of members who never withdrew, past their retention: each class's ``expire``.

The engine owns time: for each record class it computes the class's own cut-off from
the registry (``Retention.cutoff(as_of)``) and the order numbers held under a dispute
(holds on any record class of the same order: the classes joined by ``cascades``), and calls
``expire(cutoff, held, batch_size)`` — the contract is in ``registry.RecordClass``.

Each record class with a period and an ``expire`` function has one standing duty
(``expire_sweep``) whose due date moves on by a day each run; if no sweep runs for
five days, that duty is overdue and the health check fails.
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import select

from ... import clock
from ...extensions import db
from ..registry import REGISTRY, RecordClass
from . import ledger, services
from .models import EXPIRE_SWEEP, Duty


def expirable() -> list[RecordClass]:
    """Record classes that expire by period (and can)."""
    return [rc for rc in REGISTRY.ordered_record_classes() if rc.expire is not None and rc.retention.bounded]


def held_refs(rc: RecordClass) -> frozenset[str]:
    """Order numbers under a hold on any record class of the same order as ``rc``.

    A dispute is about an order, whichever of its records staff named: a hold on the
    order keeps its delivery record as well as a hold on the delivery keeps the order.
    The classes of one order are those joined by ``cascades``, in either direction."""
    refs: set[str] = set()
    for key in services.order_family(rc.key):
        refs.update(h.ref for h in services.active_holds(key))
    return frozenset(refs)



def expire_batch(rc: RecordClass, as_of: _dt.datetime, batch_size: int) -> int:
    """One call of ``rc.expire`` as of ``as_of``: its own cut-off, its holds. No commit."""
    cutoff = rc.retention.cutoff(as_of)
    if rc.expire is None or cutoff is None:
        return 0
    return rc.expire(cutoff, held_refs(rc), batch_size) or 0


MAX_BATCHES = 100_000  # per class and run: a misbehaving expire() cannot spin forever


def run(as_of: _dt.datetime, batch_size: int, summary: ledger.Summary, job: str, progress=None) -> int:
    """Expire every class's records past their period as of ``as_of``; one commit per batch."""
    total = 0
    for rc in expirable():
        duty = _standing_duty(rc.key, as_of)
        if summary.dry_run:
            nested = db.session.begin_nested()
            try:
                summary.counts[(rc.key, "expire")] += expire_batch(rc, as_of, 10 ** 9)
            finally:
                nested.rollback()
            continue
        for _ in range(MAX_BATCHES):
            n = expire_batch(rc, as_of, batch_size)
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
