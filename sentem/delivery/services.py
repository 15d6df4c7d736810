"""Delivery requests, tracking and return pickups.

Orders reach these through their fulfilment port (installed by ``delivery.init_app``):
delivery builds on orders, never the other way round.

- ``create_request(order, ...)`` — checkout, in the checkout's own transaction (no commit).
- ``default_address(member_id)`` — prefill for checkout.
- ``tracking_for(order)`` — what the order page shows.
- ``change_address(order, ...)`` — the member's change until the order is preparing.
- ``create_return_pickup(order)`` — with a 청약철회 return request (no commit).
The staff workflow (preparing, shipped, delivered…) lives in ``shipping.py``.
"""
from __future__ import annotations

import datetime as _dt
import functools
import os

from flask import current_app
from sqlalchemy import bindparam, insert, select

from .. import clock
from ..privacy import labels
from ..accounts import services as accounts
from ..extensions import db
from ..orders import fulfilment
from ..orders import services as orders
from . import carriers
from .models import AddressBookEntry, DeliveryRequest, ReturnPickup, Shipment, ShipmentEvent
from .validation import clean_address

# Until the order is marked preparing the member may still change where it goes.
ADDRESS_CHANGE_STATUSES = ("pending_payment", "paid")
# Order statuses in which shipping staff need the recipient's details.
SHIPPING_STATUSES = ("paid", "preparing", "shipped")
DEFAULT_UNMASK_DAYS = 7
# Order statuses before any parcel left: an order ships only from preparing, a cancelled one
# never shipped, and a return pickup comes only with a return of a delivered order — so an
# order in these has no shipment and no pickup to read (the order page right after checkout).
NOT_SHIPPED = ("pending_payment", "paid", "preparing", "cancelled")

# Why a delivery failed (ShipmentEvent.code; labels: the ``delivery_failure`` domain).
FAILURE_REASONS = ("absent", "wrong_address", "refused", "damaged", "other")


class DeliveryInputError(fulfilment.FulfilmentInputError):
    """Recipient or address input was refused; ``errors`` maps form field names to messages."""


class AddressChangeRefused(Exception):
    """The order is already being prepared or shipped (or was cancelled): the address stays."""


def validate_request(**fields) -> dict:
    """Field errors for checkout input (``recipient_name``…``delivery_memo``); empty when fine."""
    return clean_address(fields, with_memo=True)[1]


def create_request(order, *, recipient_name, recipient_phone, postcode, address1, address2=None,
                   memo=None) -> DeliveryRequest:
    """Snapshot the recipient and address for ``order``; written now, committed by the caller.

    Raises DeliveryInputError (field → message) and writes nothing when input is refused.
    """
    values, errors = clean_address({"recipient_name": recipient_name, "recipient_phone": recipient_phone,
                                    "postcode": postcode, "address1": address1, "address2": address2,
                                    "delivery_memo": memo}, with_memo=True)
    if errors:
        raise DeliveryInputError(errors)
    req = DeliveryRequest(order_id=order.id, member_id=order.member_id, data_key_id=_data_key_of(order),
                          created_at=clock.now())
    _apply(req, values)  # sealed here, on the object: its descriptors pick the keys
    # Nobody in the checkout reads the request back: its columns go in with a plain INSERT
    # (no unit of work), the returned object stays out of the session. One request per
    # order: ``order_id`` is unique, so a second one fails here (no read first — the
    # checkout calls this for an order its own transaction has just made).
    row = {c.key: getattr(req, c.key) for c in DeliveryRequest.__table__.columns if c.key != "id"}
    req.id = db.session.execute(_insert_request(), row).scalar_one()
    db.session.execute(_insert_event(), {"order_id": order.id, "kind": "requested", "at": clock.now(),
                                         "actor": f"member:{order.member_id}" if order.member_id else "guest"})
    return req


# The statements of every checkout and order page, built once: building one and its cache
# key costs several times what running it does (``bench/checkout_cpu.py``).
@functools.cache
def _insert_request():
    table = DeliveryRequest.__table__
    return insert(table).returning(table.c.id)


@functools.cache
def _insert_event():
    return insert(ShipmentEvent.__table__)


@functools.cache
def _request_query():
    return select(DeliveryRequest).where(DeliveryRequest.order_id == bindparam("order_id"))


@functools.cache
def _events_query():
    return (select(ShipmentEvent).where(ShipmentEvent.order_id == bindparam("order_id"))
            .order_by(ShipmentEvent.at, ShipmentEvent.id))


@functools.cache
def _address_query():
    return (select(AddressBookEntry).where(AddressBookEntry.member_id == bindparam("member_id"))
            .order_by(AddressBookEntry.is_default.desc(), AddressBookEntry.id))


def request_for(order) -> DeliveryRequest | None:
    """The delivery request of ``order`` (None for orders made without one)."""
    return db.session.execute(_request_query(), {"order_id": order.id}).scalar_one_or_none()


def default_address(member_id: int) -> dict | None:
    """The member's default address-book entry as a dict for prefilling checkout, or None."""
    entry = db.session.execute(_address_query(), {"member_id": member_id}).scalars().first()
    if entry is None:
        return None
    return {"id": entry.id, "label": entry.label or "", "recipient_name": entry.recipient_name,
            "recipient_phone": entry.recipient_phone, "postcode": entry.postcode,
            "address1": entry.address1, "address2": entry.address2 or ""}


def change_address(order, *, actor: str, **fields) -> DeliveryRequest:
    """The member's change of delivery address (memo included); commits.

    Refused (AddressChangeRefused) once the order is preparing or later; bad input raises
    DeliveryInputError. The order row is locked so staff cannot mark it preparing meanwhile.
    """
    locked = orders.lock(order_id=order.id)
    if locked.status not in ADDRESS_CHANGE_STATUSES:
        db.session.rollback()
        raise AddressChangeRefused(locked.status)
    values, errors = clean_address(fields, with_memo=True)
    if errors:
        db.session.rollback()
        raise DeliveryInputError(errors)
    req = request_for(locked)
    if req is None:
        req = DeliveryRequest(order_id=locked.id, member_id=locked.member_id,
                              data_key_id=_data_key_of(locked), created_at=clock.now())
        db.session.add(req)
    _apply(req, values)
    req.address_changed_at = clock.now()
    db.session.add(ShipmentEvent(order_id=locked.id, kind="address_changed", at=clock.now(), actor=actor))
    db.session.commit()
    return req


def tracking_for(order) -> dict | None:
    """Carrier, tracking number and link, and the status history of ``order`` (None if nothing yet).

    The link is for the member's browser to open; the server never fetches it.
    """
    events = db.session.execute(_events_query(), {"order_id": order.id}).scalars().all()
    shipped = order.status not in NOT_SHIPPED
    shipments = db.session.execute(select(Shipment).where(Shipment.order_id == order.id)
                                   .order_by(Shipment.id)).scalars().all() if shipped else []
    if not events and not shipments:
        return None
    current = shipments[-1] if shipments else None
    pickup = db.session.execute(select(ReturnPickup).where(ReturnPickup.order_id == order.id)
                                ).scalar_one_or_none() if shipped else None
    return {
        "order_no": order.order_no,
        "carrier": current.carrier if current else None,
        "carrier_name": carriers.name_of(current.carrier) if current else None,
        "tracking_no": current.tracking_no if current else None,
        "tracking_url": _url(current) if current else None,
        "status": current.status if current else None,
        "status_label": labels.label(current.status, "shipment_status") if current else None,
        "shipments": [_shipment_dict(s) for s in shipments],
        "history": [{"kind": e.kind, "label": labels.label(e.kind, "delivery"), "at": e.at,
                     "at_kst": clock.to_kst(e.at).strftime("%Y-%m-%d %H:%M"),
                     "reason": labels.label(e.code, "delivery_failure") if e.kind == "failed" else None}
                    for e in events],
        "return_pickup": _pickup_dict(pickup) if pickup else None,
        "can_change_address": order.status in ADDRESS_CHANGE_STATUSES,
        "recipient": _recipient_dict(request_for(order)),  # the owner's own order page shows it in full
    }


def _recipient_dict(req: DeliveryRequest | None) -> dict | None:
    if req is None:
        return None
    return {"name": req.recipient_name, "phone": req.recipient_phone, "postcode": req.postcode,
            "address1": req.address1, "address2": req.address2 or "", "memo": req.memo or ""}


def create_return_pickup(order, *, actor: str | None = None) -> ReturnPickup:
    """Record the return pickup of ``order`` (청약철회); idempotent, flushed, committed by the caller."""
    existing = db.session.execute(select(ReturnPickup).filter_by(order_id=order.id)).scalar_one_or_none()
    if existing is not None:
        return existing
    actor = actor or f"member:{order.member_id}"
    pickup = ReturnPickup(order_id=order.id, status="requested", created_at=clock.now(), created_by=actor)
    db.session.add(pickup)
    db.session.add(ShipmentEvent(order_id=order.id, kind="return_requested", at=clock.now(), actor=actor))
    db.session.flush()
    return pickup


def unmask_days() -> int:
    """Days after delivery during which shipping screens still show the recipient."""
    value = current_app.config.get("SENTEM_SHIPPING_UNMASK_DAYS", os.environ.get("SENTEM_SHIPPING_UNMASK_DAYS"))
    return int(value) if value not in (None, "") else DEFAULT_UNMASK_DAYS


def recipient_visible(order) -> bool:
    """Whether shipping staff may see the recipient of ``order`` unmasked now (least privilege)."""
    if order.status in SHIPPING_STATUSES:
        return True
    if order.status == "delivered":
        delivered = clock.as_utc(order.delivered_at)
        return bool(delivered and clock.now() <= delivered + _dt.timedelta(days=unmask_days()))
    return False


def _apply(req, values: dict) -> None:
    req.recipient_name = values["recipient_name"]
    req.recipient_phone = values["recipient_phone"]
    req.postcode = values["postcode"]
    req.address1 = values["address1"]
    req.address2 = values.get("address2") or None
    req.memo = values.get("delivery_memo") or None


def _data_key_of(order) -> int:
    return getattr(order, "data_key_id", None) or accounts.data_key_of(order.member_id)


def _url(shipment) -> str | None:
    carrier = carriers.get(shipment.carrier)
    return carrier.tracking_url(shipment.tracking_no) if carrier else None


def _shipment_dict(s: Shipment) -> dict:
    return {"id": s.id, "carrier": s.carrier, "carrier_name": carriers.name_of(s.carrier),
            "tracking_no": s.tracking_no, "tracking_url": _url(s), "status": s.status,
            "status_label": labels.label(s.status, "shipment_status"), "shipped_at": s.shipped_at,
            "delivered_at": s.delivered_at, "failed_at": s.failed_at,
            "failure_reason": labels.label(s.failure_reason, "delivery_failure") or None}


def _pickup_dict(p: ReturnPickup) -> dict:
    return {"status": p.status, "carrier_name": carriers.name_of(p.carrier) if p.carrier else None,
            "tracking_no": p.tracking_no, "created_at": p.created_at, "picked_up_at": p.picked_up_at,
            "received_at": p.received_at}

