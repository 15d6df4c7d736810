"""Cancellation before shipment, and 청약철회 (return) after delivery, with their refunds.

- ``cancel(order)``: before shipment. The order is cancelled and its stock released
  in one transaction first (so it can no longer be shipped), then the payment is
  refunded through the gateway. Should the gateway fail, the cancellation stays
  ``failed`` with a due date and ``refund_deadline_job`` retries it: never a lost refund.
- ``request_return(order)``: within the return window (7 days from delivery by
  default, ``SENTEM_RETURN_WINDOW_DAYS``) → ``return_requested`` and a pickup.
- ``mark_received(order)`` (staff) → ``returned``; the refund is due within 3
  business days (Sat/Sun skipped; public holidays are not counted out).
- ``refund(order)`` (staff or the job) → ``refunded``.
"""
from __future__ import annotations

import datetime as _dt

from flask import current_app
from sqlalchemy import select

from .. import clock
from ..extensions import db
from . import fulfilment, payments, stock
from .models import CANCEL_REASONS, Cancellation, Order
from .services import CANCELLABLE, transition

REFUND_BUSINESS_DAYS = 3


class CancelRefused(Exception):
    """The request cannot be done now; ``message`` (Korean) says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def add_business_days(day: _dt.date, n: int) -> _dt.date:
    """``n`` business days after ``day`` (Saturdays and Sundays skipped)."""
    while n > 0:
        day += _dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def return_window_days() -> int:
    return int(current_app.config.get("SENTEM_RETURN_WINDOW_DAYS", 7))


def return_deadline(order: Order) -> _dt.date | None:
    """Last KST day a return may be requested (delivery day + window), or None before delivery."""
    if order.delivered_at is None:
        return None
    return clock.to_kst(order.delivered_at).date() + _dt.timedelta(days=return_window_days())


def can_return(order: Order) -> bool:
    deadline = return_deadline(order)
    return order.status in ("delivered", "completed") and deadline is not None and clock.today() <= deadline


def _locked(order: Order) -> Order:
    return db.session.execute(select(Order).filter_by(id=order.id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one()


def _reason(code: str | None) -> str:
    return code if code in CANCEL_REASONS else "other"


def cancel(order: Order, *, actor: str, reason_code: str = "change_of_mind") -> Cancellation:
    """Cancel ``order`` before shipment and refund it at once (commits)."""
    if order.status == "pending_payment":
        payments.recover(order, actor=actor)  # learn whether it was paid before cancelling
    order = _locked(order)
    if order.status not in CANCELLABLE:
        db.session.rollback()
        if order.status == "cancelled":
            raise CancelRefused(f"주문 {order.order_no}은(는) 이미 취소되었습니다.")
        raise CancelRefused(f"주문 {order.order_no}은(는) 이미 발송되어 취소할 수 없습니다. "
                            "받으신 뒤 7일 안에 반품(청약철회)을 신청해 주세요.")
    paid = order.status != "pending_payment"
    record = Cancellation(order=order, member_id=order.member_id, kind="cancel", reason_code=_reason(reason_code),
                          status="requested" if paid else "refunded", requested_at=clock.now(),
                          refund_amount=order.total_amount if paid else 0, handled_by=actor,
                          refund_due_on=add_business_days(clock.today(), REFUND_BUSINESS_DAYS) if paid else None)
    db.session.add(record)
    transition(order, "cancelled", actor=actor, note="주문 취소")
    stock.release(order)
    db.session.commit()
    if paid:
        _refund(order, record, actor=actor, to_status=None)
    return record


def _refund(order: Order, record: Cancellation, *, actor: str, to_status: str | None) -> bool:
    """Refund through the gateway (outside any write transaction), then record it (commits)."""
    ok = payments.refund(order, record.refund_amount, reason=record.reason_label)
    if ok:
        record.status = "refunded"
        record.refunded_at = clock.now()
        record.handled_by = actor
        if to_status:
            transition(order, to_status, actor=actor, note="환불 완료")
    else:
        record.status = "failed" if record.kind == "cancel" else record.status
    db.session.commit()
    return ok


def request_return(order: Order, *, actor: str, reason_code: str = "change_of_mind") -> Cancellation:
    """A 청약철회 request within the window after delivery (commits)."""
    order = _locked(order)
    if not can_return(order):
        db.session.rollback()
        if order.status in ("delivered", "completed"):
            raise CancelRefused(f"반품(청약철회) 신청 기간({return_window_days()}일)이 지났습니다.")
        raise CancelRefused("배송이 끝난 주문만 반품을 신청할 수 있습니다.")
    record = Cancellation(order=order, member_id=order.member_id, kind="return", reason_code=_reason(reason_code),
                          status="requested", requested_at=clock.now(), refund_amount=order.total_amount)
    db.session.add(record)
    transition(order, "return_requested", actor=actor, note="반품(청약철회) 신청")
    _pickup(order, actor)
    db.session.commit()
    return record


def _pickup(order: Order, actor: str) -> None:
    fulfilment.port().return_pickup(order, actor=actor)


def open_return(order: Order) -> Cancellation | None:
    return next((c for c in reversed(order.cancellations) if c.kind == "return" and c.status != "refunded"), None)


def mark_received(order: Order, *, actor: str) -> Cancellation:
    """Staff: the returned goods arrived; the refund is now due within 3 business days (commits)."""
    order = _locked(order)
    record = open_return(order)
    if order.status != "return_requested" or record is None:
        db.session.rollback()
        raise CancelRefused(f"주문 {order.order_no}은(는) 반품 요청 상태가 아닙니다.")
    record.status = "received"
    record.received_at = clock.now()
    record.refund_due_on = add_business_days(clock.today(), REFUND_BUSINESS_DAYS)
    record.handled_by = actor
    transition(order, "returned", actor=actor, note="반품 도착 확인")
    db.session.commit()
    return record


def refund_return(order: Order, *, actor: str) -> bool:
    """Staff or job: refund a received return through the gateway (commits). Returns success."""
    record = open_return(order)
    if order.status != "returned" or record is None:
        raise CancelRefused(f"주문 {order.order_no}은(는) 환불할 반품이 없습니다.")
    return _refund(order, record, actor=actor, to_status="refunded")


def retry_refund(order: Order, *, actor: str) -> bool:
    """Staff: retry the refund of a cancellation the gateway failed (commits). Returns success."""
    record = next((c for c in order.cancellations if c.kind == "cancel" and c.status in ("failed", "requested")), None)
    if record is None:
        raise CancelRefused(f"주문 {order.order_no}에는 다시 시도할 환불이 없습니다.")
    return _refund(order, record, actor=actor, to_status=None)


def retry_failed_refunds(batch: int = 50) -> int:
    """Retry cancellation refunds the gateway failed (commits each). Returns how many succeeded."""
    # "requested" ones only when old: a fresh one is still being refunded by its own request.
    stale = clock.now() - _dt.timedelta(minutes=10)
    rows = db.session.execute(select(Cancellation).where(
        Cancellation.kind == "cancel",
        (Cancellation.status == "failed") | ((Cancellation.status == "requested") & (Cancellation.requested_at < stale)))
        .order_by(Cancellation.id).limit(batch)).scalars().all()
    done = 0
    for record in rows:
        done += _refund(record.order, record, actor="system:refund-retry", to_status=None)
    return done


def flag_overdue(today: _dt.date | None = None) -> list[Cancellation]:
    """Mark refunds past their due date (once); returns every overdue one (commits)."""
    today = today or clock.today()
    rows = db.session.execute(select(Cancellation).where(
        Cancellation.status.in_(("requested", "received", "failed")), Cancellation.refund_due_on.is_not(None),
        Cancellation.refund_due_on < today).order_by(Cancellation.refund_due_on)).scalars().all()
    for record in rows:
        if record.overdue_flagged_at is None:
            record.overdue_flagged_at = clock.now()
    db.session.commit()
    return rows
