"""Refunds of cancellations and returns: claimed by one request, asked of the gateway once.

A refund goes ``requested``/``failed``/``received`` → ``refunding`` (the claim, a
compare-and-set committed before the gateway is called) → ``refunded``, or back to
``failed`` (cancellation) / ``received`` (return) when the gateway says no. Two staff
clicks, a click and the retry job, or a double-submitted form: one of them wins the
claim and calls the gateway, the others are told it is already being handled.
The payment ledger takes the amount only by its own compare-and-set
(``payment_refunds.record_refund``), so it never shows more given back than was paid.

A claim whose request died mid-call (older than ``STALE_CLAIM``, measured from its
``refund_requested`` payment event) is handed back by ``release_stale_claims`` so
that the retry can ask again; the gateway never refunds more than was charged.
"""
from __future__ import annotations

import datetime as _dt
import logging

from sqlalchemy import exists, select, update
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..extensions import db
from . import payment_refunds
from .models import Cancellation, Order, Payment, PaymentEvent
from .services import transition_from

log = logging.getLogger("sentem.orders")

REFUNDING = "refunding"
STALE_CLAIM = _dt.timedelta(minutes=10)
# After this many failed gateway refunds in a row, staff are told (the retries go on).
REFUND_FAILURES_FLAG = 3
# Open debts towards the member: a refund not yet made (withdrawal waits for these).
OPEN = ("requested", "received", "failed", REFUNDING)


def set_status(record: Cancellation, expected, status: str, **values) -> bool:
    """Compare-and-set a cancellation record from one of ``expected`` to ``status`` (no commit)."""
    values = {"status": status, **values}
    won = db.session.execute(
        update(Cancellation).where(Cancellation.id == record.id, Cancellation.status.in_(tuple(expected)))
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if won == 1:
        for key, value in values.items():
            set_committed_value(record, key, value)
    return won == 1


def claim(record: Cancellation, expected, actor: str) -> bool:
    """Claim ``record``'s refund for this request (commits). False: another request has it."""
    if not set_status(record, expected, REFUNDING, handled_by=actor):
        db.session.rollback()
        return False
    payment = payment_refunds.refundable_payment(record.order)
    if payment is not None:  # when the claim was made: a claim cut off mid-call is found by its age
        db.session.add(PaymentEvent(payment=payment, status="refund_requested", amount=record.refund_amount,
                                    detail=actor[:200], at=clock.now()))
    db.session.commit()
    return True


def run(order: Order, record: Cancellation, *, actor: str, to_status: str | None) -> bool:
    """Refund a claimed record through the gateway (outside any write transaction), then record
    the answer (commits). ``to_status``: where the order goes on success (a return: refunded)."""
    # One key per refund record: every retry of it is the same request to the gateway.
    ok = payment_refunds.refund(order, record.refund_amount, reason=record.reason_label, key=f"R{record.id}")
    if ok:
        if to_status:
            transition_from(order, ("returned",), to_status, actor=actor, note="환불 완료")
        set_status(record, (REFUNDING,), "refunded", refunded_at=clock.now(), handled_by=actor)
    else:
        failures = (record.refund_failures or 0) + 1
        flagged = record.refund_flagged_at or (clock.now() if failures >= REFUND_FAILURES_FLAG else None)
        set_status(record, (REFUNDING,), "received" if record.kind == "return" else "failed",
                   refund_failures=failures, refund_flagged_at=flagged)
        if flagged and record.refund_flagged_at == flagged and failures == REFUND_FAILURES_FLAG:
            log.warning("order %s: refund failed %d times at the gateway; staff must look", order.order_no,
                        failures)
    db.session.commit()
    return ok


def release_stale_claims() -> int:
    """Hand back refund claims whose request died mid-call; commits. Returns how many.

    A cancellation goes back to ``failed`` (the retry job takes it), a return to
    ``received`` (staff refund it again).
    """
    recent = exists().where(Payment.order_id == Cancellation.order_id, PaymentEvent.payment_id == Payment.id,
                            PaymentEvent.status == "refund_requested", PaymentEvent.at >= clock.now() - STALE_CLAIM)
    rows = db.session.execute(select(Cancellation).where(Cancellation.status == REFUNDING, ~recent)).scalars().all()
    n = sum(set_status(r, (REFUNDING,), "received" if r.kind == "return" else "failed") for r in rows)
    db.session.commit()
    return n
