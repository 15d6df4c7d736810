"""Payment settlement, recovery and refunds through the gateways.

Every gateway call happens *outside* an open write transaction (after commit):
the gateway is a remote system. When its answer is lost (timeout, error) the
order stays ``pending_payment`` with its stock held and the payment ``unknown``;
``recover`` asks the gateway what happened and finishes the order either way, so
no payment is lost and no stock is kept by an order that was never paid.
"""
from __future__ import annotations

import datetime as _dt

from .. import clock
from ..extensions import db
from ..shop.cart import remove_products
from . import gateways, stock
from .models import Order, Payment, PaymentEvent
from .services import transition

UNKNOWN_MESSAGE = ("결제 결과를 아직 확인하지 못했습니다. 잠시 후 주문 내역에서 '결제 확인'을 눌러 주세요. "
                   "중복 결제는 일어나지 않습니다.")
DECLINED_MESSAGE = "결제가 거절되었습니다. 장바구니는 그대로 있으니 다른 결제 수단으로 다시 시도해 주세요."


def _event(payment: Payment, status: str, *, amount: int | None = None, detail: str | None = None) -> None:
    payment.status = status
    payment.updated_at = clock.now()
    db.session.add(PaymentEvent(payment=payment, status=status, amount=amount,
                                detail=(detail or None) and detail[:200], at=clock.now()))


def settle(order: Order, payment: Payment, params: dict, *, actor: str):
    """Ask the gateway to approve ``payment`` and finish the order accordingly (commits)."""
    from .checkout import CheckoutResult

    gateway = gateways.by_name(payment.gateway)
    call = dict(attempt_key=payment.attempt_key, order_no=order.order_no, amount=payment.amount,
                method=payment.method, params=params)
    _release_connection()
    try:
        result = gateway.confirm(**call)
    except gateways.GatewayUnavailable as exc:
        _event(payment, "unknown", detail=f"응답 없음: {type(exc).__name__}")
        db.session.commit()
        return CheckoutResult(order=order, outcome="unknown", message=UNKNOWN_MESSAGE)
    return _apply(order, payment, result, actor=actor)


def _apply(order: Order, payment: Payment, result, *, actor: str):
    """Record a definite gateway answer on the order (commits)."""
    from .checkout import CheckoutResult

    if result.status == "approved" and result.amount not in (None, payment.amount):
        # Never accept a charge of another amount: cancel it and fail the order.
        gateways.by_name(payment.gateway).cancel(ref=result.ref, attempt_key=payment.attempt_key,
                                                 amount=result.amount, reason="금액 불일치")
        result = type(result)("declined", ref=result.ref, code="AMOUNT_MISMATCH",
                              message="결제 금액이 맞지 않아 취소했습니다.")
    if result.status == "approved":
        payment.gateway_ref = result.ref
        payment.approved_at = clock.now()
        _event(payment, "approved", amount=payment.amount, detail=result.code)
        if order.status == "pending_payment":
            transition(order, "paid", actor=actor, note="결제 승인")
        _clear_cart_lines(order)
        db.session.commit()
        return CheckoutResult(order=order, outcome="paid", message="결제가 완료되었습니다.")
    # declined, not found, cancelled: nothing was charged; give back what this order took.
    payment.gateway_ref = payment.gateway_ref or result.ref
    _event(payment, "declined" if result.status == "declined" else "failed", detail=result.code)
    stock.release(order)
    if order.status == "pending_payment":
        transition(order, "cancelled", actor=actor, note="결제 실패")
    db.session.commit()
    return CheckoutResult(order=order, outcome="declined", message=DECLINED_MESSAGE)


def recover(order: Order, *, actor: str):
    """Look up a payment whose answer was lost and finish the order (commits)."""
    from .checkout import CheckoutResult

    payment = order.latest_payment
    if order.status != "pending_payment" or payment is None or payment.status not in ("pending", "unknown"):
        return CheckoutResult(order=order, outcome="paid" if order.paid_at else order.status)
    gateway, call = gateways.by_name(payment.gateway), dict(attempt_key=payment.attempt_key, ref=payment.gateway_ref)
    _release_connection()
    try:
        result = gateway.lookup(**call)
    except gateways.GatewayUnavailable:
        return CheckoutResult(order=order, outcome="unknown", message=UNKNOWN_MESSAGE)
    return _apply(order, payment, result, actor=actor)


def recover_stale(older_than_minutes: int = 30, batch: int = 100) -> int:
    """Settle orders left in pending payment (abandoned or answer lost). Returns how many."""
    cutoff = clock.now() - _dt.timedelta(minutes=older_than_minutes)
    orders = db.session.execute(
        db.select(Order).where(Order.status == "pending_payment", Order.created_at < cutoff)
        .order_by(Order.id).limit(batch)).scalars().all()
    done = 0
    for order in orders:
        outcome = recover(order, actor="system:payment-recovery")
        done += outcome.outcome != "unknown"
    return done


def refund(order: Order, amount: int, *, reason: str) -> bool:
    """Refund ``amount`` won of the order's approved payment through its gateway.

    Returns True once the gateway confirms. Records a PaymentEvent; does not commit.
    """
    payment = next((p for p in reversed(order.payments) if p.status in ("approved", "refunded")), None)
    if payment is None or amount <= 0:
        return amount <= 0
    gateway = gateways.by_name(payment.gateway)
    call = dict(ref=payment.gateway_ref, attempt_key=payment.attempt_key, amount=amount, reason=reason)
    if not db.session.new and not db.session.dirty and not db.session.deleted:
        _release_connection()
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
    payment.refunded_amount = (payment.refunded_amount or 0) + amount
    _event(payment, "refunded" if payment.refunded_amount >= payment.amount else "approved",
           amount=amount, detail="환불")
    return True


def _release_connection() -> None:
    """End the session's (read-only) transaction before a remote call.

    A gateway may take seconds; holding a pooled connection (and on SQLite a lock)
    meanwhile would starve other requests. Nothing is pending here, so this commits nothing.
    """
    db.session.commit()


def _clear_cart_lines(order: Order) -> None:
    remove_products(order.member_id, [line.product_id for line in order.lines if line.product_id])
