"""The staff shipment workflow: preparing → shipped → delivered, failed deliveries and re-sends.

Each action is one transaction on one order (the order row locked while it runs, so
checks that read the parcel too see the latest state), and moves the order only through
``orders.services.transition`` — a compare-and-set, so a member's cancellation racing a
"shipped" click loses or wins whole, never both. Parcel and pickup states change by
compare-and-set as well (``_move``). Bad requests raise
``ShippingError`` with a Korean message and write nothing. Shipped and delivered
notices go to the member through the outbox once the transaction has committed,
with only the order number, carrier and tracking number (never the address).
"""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..accounts import services as accounts
from ..extensions import db
from ..notify import outbox
from ..orders import guest as guest_orders
from ..orders import services as orders
from . import carriers
from .models import Shipment, ShipmentEvent
from .services import FAILURE_REASONS

log = logging.getLogger("sentem.delivery")

BULK_ACTIONS = ("preparing", "shipped", "delivered")


class ShippingError(Exception):
    """A shipping action was refused; ``str(exc)`` is the Korean reason."""


def _locked_order(order_no: str):
    order = orders.lock(order_no=order_no)
    if order is None:
        raise ShippingError(f"주문 {order_no}을(를) 찾을 수 없습니다.")
    return order


def _transition(order, to_status: str, actor: str, note: str | None = None) -> None:
    try:
        orders.transition(order, to_status, actor=actor, note=note)
    except orders.InvalidTransition as exc:
        raise ShippingError(str(exc)) from exc


def _move(row, expected: str, **values) -> None:
    """Compare-and-set a parcel or pickup from status ``expected``; ShippingError when another request moved it."""
    model = type(row)
    won = db.session.execute(update(model).where(model.id == row.id, model.status == expected).values(**values)
                             .execution_options(synchronize_session=False)).rowcount
    if won != 1:
        raise ShippingError("이미 처리된 주문입니다. 주문 상태를 확인해 주세요.")
    for key, value in values.items():
        set_committed_value(row, key, value)


def current_shipment(order_id: int) -> Shipment | None:
    """The latest parcel of an order (after a re-send, the new one)."""
    return db.session.execute(select(Shipment).filter_by(order_id=order_id)
                              .order_by(Shipment.id.desc()).limit(1)).scalar_one_or_none()


def _event(order, kind: str, actor: str, shipment=None, code=None) -> None:
    db.session.add(ShipmentEvent(order_id=order.id, shipment_id=shipment.id if shipment else None,
                                 kind=kind, at=clock.now(), actor=actor, code=code))


def _run(order_no: str, action) -> object:
    """Run ``action(order)`` as one transaction; any refusal rolls everything back."""
    try:
        order = _locked_order(order_no)
        result = action(order)
        db.session.commit()
        return result
    except BaseException:
        db.session.rollback()
        raise


def mark_preparing(order_no: str, *, actor: str):
    """Paid → preparing: from now on the member can no longer change the address."""
    def action(order):
        if order.status != "paid":
            raise ShippingError(f"주문 {order.order_no}은(는) 결제 완료 상태가 아니어서 상품 준비로 바꿀 수 없습니다. "
                                f"(지금: {order.status_label})")
        _transition(order, "preparing", actor)
        _event(order, "preparing", actor)
        return order
    return _run(order_no, action)


def _new_shipment(order, carrier_code, tracking_no, actor) -> Shipment:
    try:
        carrier, number = carriers.normalise_tracking(carrier_code, tracking_no)
    except carriers.TrackingError as exc:
        raise ShippingError(str(exc)) from exc
    shipment = Shipment(order_id=order.id, carrier=carrier.code, tracking_no=number, status="shipped",
                        shipped_at=clock.now(), created_by=actor)
    db.session.add(shipment)
    db.session.flush()
    return shipment


def mark_shipped(order_no: str, carrier_code: str | None, tracking_no: str | None, *, actor: str):
    """Hand the order to a carrier with a tracking number (a paid order passes through preparing)."""
    def action(order):
        if order.status not in ("paid", "preparing"):
            raise ShippingError(f"주문 {order.order_no}은(는) 발송할 수 있는 상태가 아닙니다. (지금: {order.status_label})")
        shipment = _new_shipment(order, carrier_code, tracking_no, actor)
        if order.status == "paid":
            _transition(order, "preparing", actor)
            _event(order, "preparing", actor)
        _transition(order, "shipped", actor, note=f"{carriers.name_of(shipment.carrier)} {shipment.tracking_no}")
        _event(order, "shipped", actor, shipment)
        _notify(order, shipment, "shipped")
        return shipment
    return _run(order_no, action)


def mark_delivered(order_no: str, *, actor: str):
    """Shipped → delivered (refused before shipment, or while the parcel is recorded as failed)."""
    def action(order):
        if order.status != "shipped":
            raise ShippingError(f"주문 {order.order_no}은(는) 아직 발송되지 않았거나 이미 처리되어 배송 완료로 바꿀 수 없습니다. "
                                f"(지금: {order.status_label})")
        shipment = current_shipment(order.id)
        if shipment is None or shipment.status != "shipped":
            raise ShippingError(f"주문 {order.order_no}의 택배는 배송 실패로 기록되어 있습니다. 재발송을 먼저 기록해 주세요.")
        _move(shipment, "shipped", status="delivered", delivered_at=clock.now())
        _transition(order, "delivered", actor)
        _event(order, "delivered", actor, shipment)
        _notify(order, shipment, "delivered")
        return shipment
    return _run(order_no, action)


def record_failure(order_no: str, reason: str | None, *, actor: str):
    """A carrier could not deliver: the parcel is marked failed; the order stays shipped."""
    def action(order):
        if reason not in FAILURE_REASONS:
            raise ShippingError("배송 실패 사유를 목록에서 선택해 주세요.")
        shipment = current_shipment(order.id)
        if order.status != "shipped" or shipment is None or shipment.status != "shipped":
            raise ShippingError(f"주문 {order.order_no}은(는) 배송 중인 택배가 없어 배송 실패를 기록할 수 없습니다.")
        _move(shipment, "shipped", status="failed", failed_at=clock.now(), failure_reason=reason)
        _event(order, "failed", actor, shipment, code=reason)
        return shipment
    return _run(order_no, action)


def resend(order_no: str, carrier_code: str | None, tracking_no: str | None, *, actor: str):
    """Send again after a failed delivery, with a new tracking number."""
    def action(order):
        previous = current_shipment(order.id)
        if order.status != "shipped" or previous is None or previous.status != "failed":
            raise ShippingError(f"주문 {order.order_no}은(는) 배송 실패가 기록되지 않아 재발송할 수 없습니다.")
        shipment = _new_shipment(order, carrier_code, tracking_no, actor)
        _event(order, "resent", actor, shipment)
        _notify(order, shipment, "shipped")
        return shipment
    return _run(order_no, action)


def mark_return_picked_up(order_no: str, carrier_code: str | None, tracking_no: str | None, *, actor: str):
    """The courier collected a 청약철회 return from the member (carrier and number validated)."""
    from .models import ReturnPickup

    def action(order):
        pickup = db.session.execute(select(ReturnPickup).filter_by(order_id=order.id)).scalar_one_or_none()
        if order.status != "return_requested" or pickup is None or pickup.status != "requested":
            raise ShippingError(f"주문 {order.order_no}은(는) 회수를 기다리는 반품이 없습니다.")
        try:
            carrier, number = carriers.normalise_tracking(carrier_code, tracking_no)
        except carriers.TrackingError as exc:
            raise ShippingError(str(exc)) from exc
        _move(pickup, "requested", status="picked_up", carrier=carrier.code, tracking_no=number,
              picked_up_at=clock.now())
        _event(order, "return_picked_up", actor)
        return pickup
    return _run(order_no, action)


def bulk(action: str, order_nos, *, actor: str, carrier_code: str | None = None,
         tracking: dict | None = None) -> list[dict]:
    """Apply one action to many orders, one transaction each; returns a result per order.

    ``tracking`` maps order number → tracking number (for ``shipped``). A refused order
    does not stop the others.
    """
    if action not in BULK_ACTIONS:
        raise ShippingError("알 수 없는 일괄 작업입니다.")
    results = []
    seen = set()
    for order_no in order_nos:
        order_no = (order_no or "").strip()
        if not order_no or order_no in seen:
            continue
        seen.add(order_no)
        try:
            if action == "preparing":
                mark_preparing(order_no, actor=actor)
            elif action == "shipped":
                mark_shipped(order_no, carrier_code, (tracking or {}).get(order_no), actor=actor)
            else:
                mark_delivered(order_no, actor=actor)
            results.append({"order_no": order_no, "ok": True, "message": "처리했습니다."})
        except ShippingError as exc:
            results.append({"order_no": order_no, "ok": False, "message": str(exc)})
    return results


def _notify(order, shipment, kind: str) -> None:
    """Queue the member's shipped/delivered notice for after the commit (no address in it)."""
    guest = order.member_id is None
    contact = guest_orders.contact_of(order) if guest else accounts.contact_of(order.member_id)
    if contact is None or contact.status == "withdrawn":  # nobody left to tell
        return
    mobile, email = contact.mobile, contact.email
    shop = current_app.config["SHOP_NAME"]
    carrier = carriers.name_of(shipment.carrier)
    link = f"{current_app.config['SENTEM_BASE_URL'].rstrip('/')}" + ("/guest/orders" if guest else
                                                                      f"/orders/{order.order_no}")
    if kind == "shipped":
        subject = f"[{shop}] 주문 {order.order_no} 상품이 발송되었습니다"
        sms = f"[{shop}] 주문 {order.order_no} 발송: {carrier} {shipment.tracking_no}"
    else:
        subject = f"[{shop}] 주문 {order.order_no} 배송이 완료되었습니다"
        sms = f"[{shop}] 주문 {order.order_no} 배송 완료 ({carrier} {shipment.tracking_no})"
    body = (f"주문번호: {order.order_no}\n택배사: {carrier}\n송장번호: {shipment.tracking_no}\n\n"
            f"배송 조회와 주문 내역: {link}\n")
    member_id = order.member_id

    def send():
        try:
            if mobile:
                outbox.send_sms(mobile, sms, category="delivery", member_id=member_id)
            if email:
                outbox.send_email(email, subject, body, category="delivery", member_id=member_id)
        except outbox.OutboxError:
            log.warning("delivery notice for member %s could not be sent", member_id)

    outbox.after_commit(db.session(), send)
