"""Payment settlement and recovery through the gateways (refunds: ``payment_refunds``).

Every gateway call happens *outside* an open write transaction (after commit):
the gateway is a remote system. When its answer is lost (timeout, error) the
order stays ``pending_payment`` with its stock held and the payment ``unknown``;
``recover`` asks the gateway what happened and finishes the order either way, so
no payment is lost and no stock is kept by an order that was never paid.

Recording an answer is a compare-and-set on the payment (``pending``/``unknown`` →
``approved``/``declined``): when the checkout, the member's 결제 확인 and the recovery
job learn the same answer at once, one of them records it and moves the order; the
others change nothing. An approval that arrives after the order was given up is
cancelled at the gateway at once.
"""
from __future__ import annotations

import datetime as _dt
import functools
import logging

from sqlalchemy import bindparam, inspect, update
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..extensions import db
from ..security.fields import personal_fields
from ..shop import cart
from . import gateways, history, stock
from .models import Order, Payment, PaymentEvent
from .commits import commit_keeping, release_connection
from .services import OrderChanged, transition, transition_from

log = logging.getLogger("sentem.orders")
# A payment whose gateway answer is not yet recorded; only these may take an answer.
OPEN_STATUSES = ("pending", "unknown")

UNKNOWN_MESSAGE = ("결제 결과를 아직 확인하지 못했습니다. 잠시 후 주문 내역에서 '결제 확인'을 눌러 주세요. "
                   "중복 결제는 일어나지 않습니다.")
DECLINED_MESSAGE = "결제가 거절되었습니다. 주문한 상품을 장바구니에 다시 담았으니 다른 결제 수단으로 다시 시도해 주세요."
VOIDED_MESSAGE = "주문이 이미 취소되어 승인된 결제를 바로 취소했습니다. 장바구니에서 다시 주문해 주세요."


def settle(order: Order, payment: Payment, params: dict, *, actor: str):
    """Ask the gateway to approve ``payment`` and finish the order accordingly (commits)."""
    from .checkout import CheckoutResult

    gateway = gateways.by_name(payment.gateway)
    call = dict(attempt_key=payment.attempt_key, order_no=order.order_no, amount=payment.amount,
                method=payment.method, params=params)
    release_connection(order, payment)
    try:
        result = gateway.confirm(**call)
    except gateways.GatewayUnavailable as exc:
        # Only while no answer is recorded: a recovery that learned it meanwhile stands.
        _record_answer(payment, "unknown", detail=f"응답 없음: {type(exc).__name__}")
        db.session.commit()
        return CheckoutResult(order=order, outcome="unknown", message=UNKNOWN_MESSAGE)
    if result.status == "pending":  # the PG holds it but did not approve: never paid on that word
        return CheckoutResult(order=order, outcome="unknown", message=UNKNOWN_MESSAGE)
    return _apply(order, payment, result, actor=actor)


def apply_answer(order: Order, payment: Payment, result, *, actor: str):
    """Record a definite answer learned elsewhere (a verified webhook, the success URL's checks); commits."""
    return _apply(order, payment, result, actor=actor)


def _record_answer(payment: Payment, status: str, *, amount: int | None = None, detail: str | None = None,
                   **values) -> bool:
    """Compare-and-set an open payment to ``status`` (no commit). False: someone recorded an answer first."""
    # The shop's connection before the key store's (sealing reads the day key): every request
    # takes the two pools in one order, so busy pools cannot wait on each other.
    db.session.connection(bind_arguments={"mapper": Payment.__mapper__})
    values = {"status": status, "updated_at": clock.now(), **_sealed(payment, values)}
    with db.session.no_autoflush:  # sealing moved payment.day_key_id: this UPDATE writes it, not a flush before
        won = db.session.execute(_answer_statement(tuple(values)), {
            "b_id": payment.id, **{f"v_{k}": v for k, v in values.items()}}).rowcount
    if won != 1:
        return False
    for key, value in values.items():
        set_committed_value(payment, key, value)
    history.write(payment, status=status, amount=amount, detail=(detail or None) and detail[:200], at=clock.now())
    return True


@functools.cache
def _answer_statement(columns: tuple[str, ...]):
    # One per set of columns an answer writes, built once: building it costs more than running it.
    return (update(Payment).where(Payment.id == bindparam("b_id"), Payment.status.in_(OPEN_STATUSES))
            .values({c: bindparam(f"v_{c}") for c in columns}).execution_options(synchronize_session=False))


def _sealed(payment: Payment, values: dict) -> dict:
    """``values`` with the payment's personal fields (payment key, approval number) as the
    sealed column values an UPDATE writes, and the day key they are under."""
    out = dict(values)
    for field in personal_fields(Payment):
        if field.name in out:
            out[field.column_attr] = field.sealed(payment, out.pop(field.name))
            out["day_key_id"] = payment.day_key_id
    return out


def _apply(order: Order, payment: Payment, result, *, actor: str):
    """Record a definite gateway answer on the order (commits); only the first answer counts."""
    from .checkout import CheckoutResult

    if result.status == "approved" and result.amount not in (None, payment.amount):
        # Never accept a charge of another amount: cancel it and fail the order.
        gateways.by_name(payment.gateway).cancel(ref=result.ref, attempt_key=f"{payment.attempt_key}-mismatch",
                                                 amount=result.amount, reason="금액 불일치")
        result = type(result)("declined", ref=result.ref, code="AMOUNT_MISMATCH",
                              message="결제 금액이 맞지 않아 취소했습니다.")
    if result.status == "approved":
        if not _record_answer(payment, "approved", amount=payment.amount, detail=result.code,
                              gateway_ref=result.ref, approved_at=clock.now(),
                              approval_no=result.approval_no or None):
            return _answered_before(order, payment, result)
        if _from_pending(order, "paid", actor=actor, note="결제 승인") is None:
            db.session.rollback()  # the order was given up meanwhile: this charge must not stand
            return _void(order, payment, result)
        commit_keeping([order, payment])
        return CheckoutResult(order=order, outcome="paid", message="결제가 완료되었습니다.")
    # declined, not found, cancelled: nothing was charged; give back what this order took.
    if not _record_answer(payment, "declined" if result.status == "declined" else "failed", detail=result.code,
                          gateway_ref=payment.gateway_ref or result.ref):
        return _answered_before(order, payment, result)
    stock.release(order)
    if _from_pending(order, "cancelled", actor=actor, note="결제 실패") is not None:
        _restore_cart(order)
    commit_keeping([order, payment])
    return CheckoutResult(order=order, outcome="declined", message=DECLINED_MESSAGE)


def _from_pending(order: Order, to_status: str, *, actor: str, note: str):
    """Move the order out of pending payment (no commit); None when it has left that status.

    An order this request holds as pending (the checkout's own, just committed) is moved by
    the compare-and-set at once; only when that loses, or the status is not known, is it
    read again (``transition_from``) — a status re-read per payment saved, no guard lost.
    """
    if "status" not in inspect(order).unloaded and order.status == "pending_payment":
        try:
            return transition(order, to_status, actor=actor, note=note)
        except OrderChanged:
            pass
    return transition_from(order, ("pending_payment",), to_status, actor=actor, note=note)


def _answered_before(order: Order, payment: Payment, result):
    """Another request recorded this payment's answer first: report it, change nothing more.

    Should the gateway now say *approved* for a payment already recorded as failed (the
    order was given up while the charge was on its way), the charge is cancelled at once.
    """
    from .checkout import CheckoutResult

    db.session.rollback()
    db.session.refresh(payment)
    db.session.refresh(order)
    if result.status == "approved" and payment.status not in ("approved", "refunded"):
        return _void(order, payment, result)
    if payment.status in ("approved", "refunded"):
        return CheckoutResult(order=order, outcome="paid", message="결제가 완료되었습니다.")
    return CheckoutResult(order=order, outcome="declined", message=DECLINED_MESSAGE)


def _void(order: Order, payment: Payment, result):
    """Cancel at the gateway a charge approved for an order that no longer wants it (commits)."""
    from .checkout import CheckoutResult

    amount = result.amount or payment.amount
    try:
        answer = gateways.by_name(payment.gateway).cancel(ref=result.ref, attempt_key=f"{payment.attempt_key}-void",
                                                          amount=amount, reason="취소된 주문의 승인")
        status = "cancelled" if answer.status == "cancelled" else "refund_failed"
    except gateways.GatewayUnavailable:
        status = "refund_failed"
    detail = f"취소된 주문의 승인 {result.ref or ''}"
    if status == "refund_failed":
        log.warning("order %s: a late approval could not be cancelled at the gateway", order.order_no)
        db.session.add(PaymentEvent(payment=payment, status=status, amount=amount, detail=detail[:200],
                                    at=clock.now()))
    elif not _record_answer(payment, "cancelled", amount=amount, detail=detail, gateway_ref=result.ref):
        # Already answered (recorded as failed): the event says the late charge went back.
        db.session.add(PaymentEvent(payment=payment, status="cancelled", amount=amount, detail=detail[:200],
                                    at=clock.now()))
    db.session.commit()
    return CheckoutResult(order=order, outcome="declined", message=VOIDED_MESSAGE)


def recover(order: Order, *, actor: str, expire_pending: bool = False):
    """Look up a payment whose answer was lost and finish the order (commits).

    A payment the PG still holds unapproved (the buyer left its window) stays open, unless
    ``expire_pending`` (the reconciliation of stale orders): then the order expires and
    gives its stock back; the PG lets such an attempt lapse without charging."""
    from .checkout import CheckoutResult

    payment = order.latest_payment
    if order.status != "pending_payment" or payment is None or payment.status not in ("pending", "unknown"):
        return CheckoutResult(order=order, outcome="paid" if order.paid_at else order.status)
    gateway, call = gateways.by_name(payment.gateway), dict(attempt_key=payment.attempt_key, ref=payment.gateway_ref)
    release_connection(order, payment)
    try:
        result = gateway.lookup(**call)
    except gateways.GatewayUnavailable:
        return CheckoutResult(order=order, outcome="unknown", message=UNKNOWN_MESSAGE)
    if result.status == "pending":
        if not expire_pending:
            return CheckoutResult(order=order, outcome="unknown", message=UNKNOWN_MESSAGE)
        result = gateways.GatewayResult("declined", ref=result.ref, code="EXPIRED", message="결제 시간이 지났습니다.")
    return _apply(order, payment, result, actor=actor)


def recover_stale(older_than_minutes: int = 30, batch: int = 100) -> int:
    """Settle orders left in pending payment (abandoned or answer lost). Returns how many."""
    cutoff = clock.now() - _dt.timedelta(minutes=older_than_minutes)
    orders = db.session.execute(
        db.select(Order).where(Order.status == "pending_payment", Order.created_at < cutoff)
        .order_by(Order.id).limit(batch)).scalars().all()
    done = 0
    for order in orders:
        outcome = recover(order, actor="system:payment-recovery", expire_pending=True)
        done += outcome.outcome != "unknown"
    return done


def _restore_cart(order: Order) -> None:
    """Put an unpaid order's lines back in the member's cart (checkout took them out); no commit."""
    lines: dict[int, int] = {}
    for line in order.lines:
        if line.product_id:
            lines[line.product_id] = lines.get(line.product_id, 0) + line.quantity
    if order.member_id is not None and lines:
        cart.restore(order.member_id, lines)
