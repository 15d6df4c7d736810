"""Refunds of a payment through its gateway, and the payment's refund ledger.

The cancellation and return workflow that decides *when* to refund is ``refunds``; this
module is what it calls: ``refund`` asks the gateway (idempotently, by key) and
``record_refund`` adds to ``refunded_amount`` only through ``UPDATE … WHERE
refunded_amount + :x <= amount``, so the ledger can never show more given back than
was paid.
"""
from __future__ import annotations

import logging

from sqlalchemy import case, update

from .. import clock
from ..extensions import db
from . import gateways
from .commits import release_connection
from .models import Order, Payment, PaymentEvent

log = logging.getLogger("sentem.orders")


def refundable_payment(order: Order) -> Payment | None:
    """The order's approved (or partly refunded) payment, if any."""
    return next((p for p in reversed(order.payments) if p.status in ("approved", "refunded")), None)


def refund(order: Order, amount: int, *, reason: str, key: str | None = None) -> bool:
    """Refund ``amount`` won of the order's approved payment through its gateway.

    ``key`` names this refund towards the gateway (its idempotency key): a retry with the
    same key never refunds twice. Returns True once the gateway confirms (or nothing was
    to be refunded). The ledger takes the amount only through ``record_refund``'s
    compare-and-set. Does not commit.
    """
    payment = refundable_payment(order)
    if payment is None or amount <= 0:
        return amount <= 0
    gateway = gateways.by_name(payment.gateway)
    call = dict(ref=payment.gateway_ref, attempt_key=f"{payment.attempt_key}-{key}" if key else payment.attempt_key,
                amount=amount, reason=reason)
    if not db.session.new and not db.session.dirty and not db.session.deleted:
        release_connection()
    try:
        result = gateway.cancel(**call)
    except gateways.GatewayUnavailable as exc:
        db.session.add(PaymentEvent(payment=payment, status="refund_failed", amount=amount,
                                    detail=f"응답 없음: {type(exc).__name__}", at=clock.now()))
        return False
    if result.status != "cancelled":
        db.session.add(PaymentEvent(payment=payment, status="refund_failed", amount=amount,
                                    detail=result.code, at=clock.now()))
        return False
    record_refund(payment, amount)
    return True


def record_refund(payment: Payment, amount: int) -> bool:
    """Add ``amount`` to what the payment has given back, never beyond what was paid (no commit).

    ``UPDATE … WHERE refunded_amount + :amount <= amount``: False (and nothing written)
    when that would exceed the payment, e.g. the same refund recorded twice.
    """
    total = Payment.refunded_amount + amount
    won = db.session.execute(
        update(Payment).where(Payment.id == payment.id, total <= Payment.amount)
        .values(refunded_amount=total, status=case((total >= Payment.amount, "refunded"), else_=Payment.status),
                updated_at=clock.now())
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(payment, ["refunded_amount", "status", "updated_at"])
    if won != 1:
        log.warning("payment %s: a refund of %s would exceed the payment; not recorded", payment.id, amount)
        return False
    db.session.add(PaymentEvent(payment=payment, status=payment.status, amount=amount, detail="환불",
                                at=clock.now()))
    return True
