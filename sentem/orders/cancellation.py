"""Cancellation before shipment, and 청약철회 (return) after delivery, with their refunds.

- ``cancel(order)``: before shipment. The order is cancelled and its stock released
  in one transaction first (so it can no longer be shipped), then the payment is
  refunded through the gateway. Should the gateway fail, the cancellation stays
  ``failed`` with a due date and ``refund_deadline_job`` retries it: never a lost refund.
- ``request_return(order)``: within the return window (``RETURN_WINDOW_DAYS`` from
  delivery by default, ``SENTEM_RETURN_WINDOW_DAYS``; a window whose last day is a
  Saturday, Sunday or public holiday runs to the next business day, 민법 제161조)
  → ``return_requested`` and a pickup.
- ``refuse_return(order)`` (staff) → back to ``delivered``, the request ``refused``.
- ``mark_received(order)`` (staff) → ``returned``; the refund is due within
  ``REFUND_BUSINESS_DAYS`` business days (weekends and Korean public holidays, 설날,
  추석 and substitute holidays included, skipped: ``clock.add_business_days``).
- ``refund(order)`` (staff or the job) → ``refunded``.

Every step is a compare-and-set that a parallel request cannot double: the order's
move (``services.transition``) decides who cancels or returns, and only that request
writes the record, releases the stock and refunds; each refund is claimed before the
gateway is asked (``refunds.py``). The loser gets ``CancelRefused`` with a Korean
message and has written nothing.
"""
from __future__ import annotations

import datetime as _dt

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from ..privacy.registry import REFUND_BUSINESS_DAYS, RETURN_WINDOW_DAYS
from . import fulfilment, payment_refunds, payments, refunds, stock
from .models import CANCEL_REASONS, Cancellation, Order, OrderEvent
from .services import CANCELLABLE, refresh_status, transition_from

ALREADY_HANDLED = "이미 처리된 주문입니다. 주문 상태를 확인해 주세요."
REFUND_ALREADY_HANDLED = "이미 처리 중이거나 처리된 환불입니다. 환불 상태를 확인해 주세요."
PAYMENT_UNKNOWN = ("결제 결과를 아직 확인하지 못해 지금은 취소할 수 없습니다. "
                   "잠시 후 다시 시도해 주세요. 중복 결제는 일어나지 않습니다.")


class CancelRefused(Exception):
    """The request cannot be done now; ``message`` (Korean) says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def return_window_days() -> int:
    """Days from delivery in which a return may be asked (the registry's default, or the setting)."""
    return int(current_app.config.get("SENTEM_RETURN_WINDOW_DAYS", RETURN_WINDOW_DAYS))


def refund_due_date() -> _dt.date:
    """The KST day a refund asked for today must be made by (business days, Korean calendar)."""
    return clock.add_business_days(clock.today(), REFUND_BUSINESS_DAYS)


def return_deadline(order: Order) -> _dt.date | None:
    """Last KST day a return may be requested, or None before delivery: delivery day + window,
    moved to the next business day when it falls on a weekend or holiday (민법 제161조)."""
    if order.delivered_at is None:
        return None
    last = clock.to_kst(order.delivered_at).date() + _dt.timedelta(days=return_window_days())
    return clock.business_day_on_or_after(last)


def can_return(order: Order) -> bool:
    deadline = return_deadline(order)
    return order.status in ("delivered", "completed") and deadline is not None and clock.today() <= deadline


def refundable_amount(order: Order) -> int:
    """What is left to give back of the order: its total less the lines refunded on their own
    (whether or not the gateway has done them yet: each has its own record and retries)."""
    return order.total_amount - sum(c.refund_amount for c in order.cancellations if c.kind == "partial")


def returnable_orders(member_id: int) -> list[tuple[str, _dt.date]]:
    """The member's delivered orders still inside their return window: (order number, last day)."""
    rows = db.session.execute(select(Order).where(Order.member_id == member_id,
                                                  Order.status.in_(("delivered", "completed")),
                                                  Order.delivered_at.is_not(None)).order_by(Order.id)).scalars()
    return [(o.order_no, return_deadline(o)) for o in rows if can_return(o)]


def _reason(code: str | None) -> str:
    return code if code in CANCEL_REASONS else "other"


def _cancel_refusal(order: Order) -> CancelRefused:
    if order.status == "cancelled":
        return CancelRefused(f"주문 {order.order_no}은(는) 이미 취소되었습니다.")
    if order.status in CANCELLABLE:  # moved by others more often than we retried
        return CancelRefused(ALREADY_HANDLED)
    return CancelRefused(f"주문 {order.order_no}은(는) 이미 발송되어 취소할 수 없습니다. "
                         f"받으신 뒤 {return_window_days()}일 안에 반품(청약철회)을 신청해 주세요.")


def cancel(order: Order, *, actor: str, reason_code: str = "change_of_mind") -> Cancellation:
    """Cancel ``order`` before shipment and refund it at once (commits).

    Only the request whose compare-and-set moves the order to ``cancelled`` writes the
    record, releases the stock and refunds; the others get CancelRefused.
    """
    if order.status == "pending_payment":
        learned = payments.recover(order, actor=actor)  # learn whether it was paid before cancelling
        if learned.outcome == "unknown":  # a charge may still land: cancelling now could lose it
            db.session.rollback()
            raise CancelRefused(PAYMENT_UNKNOWN)
    event = transition_from(order, CANCELLABLE, "cancelled", actor=actor, note="주문 취소")
    if event is None:
        refusal = _cancel_refusal(order)
        db.session.rollback()
        raise refusal
    paid = event.from_status != "pending_payment"
    record = Cancellation(order=order, member_id=order.member_id, kind="cancel", reason_code=_reason(reason_code),
                          status="requested" if paid else "refunded", requested_at=clock.now(),
                          refund_amount=refundable_amount(order) if paid else 0, handled_by=actor,
                          refund_due_on=refund_due_date() if paid else None)
    db.session.add(record)
    stock.release(order)
    db.session.commit()
    if paid and refunds.claim(record, ("requested",), actor):
        refunds.run(order, record, actor=actor, to_status=None)
    return record


def _return_refusal(order: Order) -> CancelRefused:
    if order.status in ("return_requested", "returned", "refunded"):
        return CancelRefused(f"주문 {order.order_no}은(는) 이미 반품(청약철회)을 신청했습니다.")
    if order.status in ("delivered", "completed"):
        return CancelRefused(f"반품(청약철회) 신청 기간({return_window_days()}일)이 지났습니다.")
    return CancelRefused("배송이 끝난 주문만 반품을 신청할 수 있습니다.")


def request_return(order: Order, *, actor: str, reason_code: str = "change_of_mind") -> Cancellation:
    """A 청약철회 request within the window after delivery (commits); one record however often it is sent."""
    refresh_status(order)
    event = transition_from(order, ("delivered", "completed"), "return_requested", actor=actor,
                            note="반품(청약철회) 신청") if can_return(order) else None
    if event is None:
        refusal = _return_refusal(order)
        db.session.rollback()
        raise refusal
    record = Cancellation(order=order, member_id=order.member_id, kind="return", reason_code=_reason(reason_code),
                          status="requested", requested_at=clock.now(), refund_amount=refundable_amount(order))
    db.session.add(record)
    _pickup(order, actor)
    db.session.commit()
    return record


def _pickup(order: Order, actor: str) -> None:
    fulfilment.port().return_pickup(order, actor=actor)


def open_return(order: Order) -> Cancellation | None:
    return next((c for c in reversed(order.cancellations) if c.kind == "return" and c.status != "refunded"), None)


def _latest_return(order: Order, status: str) -> Cancellation | None:
    """The order's newest return record in ``status``, read from the database (not the session's copy)."""
    return db.session.execute(select(Cancellation).where(
        Cancellation.order_id == order.id, Cancellation.kind == "return", Cancellation.status == status)
        .order_by(Cancellation.id.desc()).limit(1).execution_options(populate_existing=True)).scalar_one_or_none()


def mark_received(order: Order, *, actor: str) -> Cancellation:
    """Staff: the returned goods arrived; the refund is now due within 3 business days (commits)."""
    event = transition_from(order, ("return_requested",), "returned", actor=actor, note="반품 도착 확인")
    record = _latest_return(order, "requested") if event is not None else None
    if record is None:
        db.session.rollback()
        raise CancelRefused(f"주문 {order.order_no}은(는) 반품 요청 상태가 아닙니다.")
    refunds.set_status(record, ("requested",), "received", received_at=clock.now(), handled_by=actor)
    record.refund_due_on = refund_due_date()
    db.session.commit()
    return record


def refuse_return(order: Order, *, actor: str) -> Cancellation | None:
    """Staff: refuse a return request; the order goes back to delivered (commits).

    Both writes are compare-and-sets (the order ``return_requested`` → ``delivered``, the
    record ``requested`` → ``refused``): of a refusal racing another refusal or the goods'
    arrival, one wins and the other gets ``CancelRefused`` having written nothing.
    """
    event = transition_from(order, ("return_requested",), "delivered", actor=actor, note="반품 요청 반려")
    record = _latest_return(order, "requested") if event is not None else None
    if event is None or (record is not None and not refunds.set_status(record, ("requested",), "refused",
                                                                       handled_by=actor)):
        db.session.rollback()
        raise CancelRefused(f"주문 {order.order_no}은(는) 반품 요청 상태가 아닙니다. {ALREADY_HANDLED}")
    db.session.commit()
    return record


def refund_return(order: Order, *, actor: str) -> bool:
    """Staff or job: refund a received return through the gateway (commits). Returns success."""
    record = _latest_return(order, "received")
    if record is None or not refunds.claim(record, ("received",), actor):
        db.session.rollback()
        raise CancelRefused(f"주문 {order.order_no}은(는) 환불할 반품이 없습니다. {REFUND_ALREADY_HANDLED}")
    return refunds.run(order, record, actor=actor, to_status="refunded")


def retry_refund(order: Order, *, actor: str) -> bool:
    """Staff: retry the refund of a cancellation the gateway failed (commits). Returns success."""
    db.session.refresh(order, ["cancellations"])
    record = next((c for c in order.cancellations if c.kind in ("cancel", "partial")
                   and c.status in ("failed", "requested")), None)
    if record is None or not refunds.claim(record, ("failed", "requested"), actor):
        raise CancelRefused(f"주문 {order.order_no}에는 다시 시도할 환불이 없습니다. {REFUND_ALREADY_HANDLED}")
    return refunds.run(order, record, actor=actor, to_status=None)


def refund_line(order: Order, line_id: int, *, actor: str, reason_code: str = "change_of_mind") -> Cancellation:
    """Refund one line of a paid order (부분 취소: that line returned), the rest stays paid (commits).

    One partial refund per line: a second request for the same line is refused. Should the
    gateway fail, the record waits as ``failed`` for the retry job, like a cancellation.
    """
    line = next((x for x in order.lines if x.id == line_id), None)
    payment = payment_refunds.refundable_payment(order)
    if line is None or payment is None or order.status in ("pending_payment", "cancelled", "refunded"):
        raise CancelRefused("부분 환불할 수 있는 주문 상품이 아닙니다.")
    record = Cancellation(order=order, member_id=order.member_id, kind="partial", reason_code=_reason(reason_code),
                          status="requested", requested_at=clock.now(), refund_amount=line.line_total,
                          handled_by=actor, refund_due_on=refund_due_date(), line_id=line.id)
    db.session.add(record)
    db.session.add(OrderEvent(order=order, from_status=order.status, to_status=order.status, actor=actor,
                              note=f"부분 환불: {line.product_title}", at=clock.now()))
    try:
        db.session.commit()  # line_id is unique: a second request for the line fails here, writing nothing
    except IntegrityError:
        db.session.rollback()
        raise CancelRefused(f"{line.product_title}은(는) 이미 부분 환불했습니다.") from None
    if refunds.claim(record, ("requested",), actor):
        refunds.run(order, record, actor=actor, to_status=None)
    return record


def retry_failed_refunds(batch: int = 50) -> int:
    """Retry cancellation refunds the gateway failed (commits each). Returns how many succeeded."""
    refunds.release_stale_claims()
    # "requested" ones only when old: a fresh one is still being refunded by its own request.
    stale = clock.now() - refunds.STALE_CLAIM
    rows = db.session.execute(select(Cancellation).where(
        Cancellation.kind.in_(("cancel", "partial")),
        (Cancellation.status == "failed") | ((Cancellation.status == "requested") & (Cancellation.requested_at < stale)))
        .order_by(Cancellation.id).limit(batch)).scalars().all()
    done = 0
    for record in rows:
        if refunds.claim(record, (record.status,), "system:refund-retry"):
            done += refunds.run(record.order, record, actor="system:refund-retry", to_status=None)
    return done


def flag_overdue(today: _dt.date | None = None) -> list[Cancellation]:
    """Mark refunds past their due date (once); returns every overdue one (commits)."""
    today = today or clock.today()
    rows = db.session.execute(select(Cancellation).where(
        Cancellation.status.in_(refunds.OPEN), Cancellation.refund_due_on.is_not(None),
        Cancellation.refund_due_on < today).order_by(Cancellation.refund_due_on)).scalars().all()
    for record in rows:
        if record.overdue_flagged_at is None:
            record.overdue_flagged_at = clock.now()
    db.session.commit()
    return rows
