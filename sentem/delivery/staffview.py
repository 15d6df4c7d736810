"""What the shipping screens show, shaped for the staff area (least privilege).

The list shows recipients masked; the detail and the packing slip show them in full
only while the order is in a shipping state (or delivered within the unmask window,
or waiting for a return pickup), and each such view is written to the staff access
log by the caller (``reveal``). Outside that window everything is masked.
"""
from __future__ import annotations

from sqlalchemy import select

from .. import clock
from ..privacy import labels
from ..extensions import db
from ..orders import services as orders
from ..security.fields import masked
from . import carriers
from .models import DeliveryRequest, ReturnPickup, Shipment, ShipmentEvent
from .services import recipient_visible

LIST_STATUSES = ("paid", "preparing", "shipped", "delivered", "return_requested")
DEFAULT_LIST = ("paid", "preparing", "shipped")
LIST_LIMIT = 200
# The recipient block's keys and the DeliveryRequest fields they show.
RECIPIENT = {"name": "recipient_name", "phone": "recipient_phone", "postcode": "postcode", "address1": "address1",
             "address2": "address2", "memo": "memo"}


def orders_to_ship(statuses=DEFAULT_LIST, limit: int = LIST_LIMIT) -> list:
    """Orders in ``statuses``, oldest payment first (what to ship next comes first)."""
    statuses = [s for s in statuses if s in LIST_STATUSES] or list(DEFAULT_LIST)
    return orders.in_statuses(statuses, limit)


def waiting_count() -> int:
    """Orders paid or being prepared: not yet handed to a carrier (shown beside 배송 in the menu)."""
    return orders.count_in_statuses(("paid", "preparing"))


def _requests(order_ids) -> dict[int, DeliveryRequest]:
    if not order_ids:
        return {}
    rows = db.session.execute(select(DeliveryRequest).where(DeliveryRequest.order_id.in_(order_ids))).scalars()
    return {r.order_id: r for r in rows}


def _latest_shipments(order_ids) -> dict[int, Shipment]:
    if not order_ids:
        return {}
    latest: dict[int, Shipment] = {}
    for s in db.session.execute(select(Shipment).where(Shipment.order_id.in_(order_ids))
                                .order_by(Shipment.id)).scalars():
        latest[s.order_id] = s
    return latest


def list_rows(orders) -> list[dict]:
    """Rows for the list screen: masked recipient and region only, no access-log entry needed."""
    ids = [o.id for o in orders]
    reqs, ships = _requests(ids), _latest_shipments(ids)
    rows = []
    for o in orders:
        req, ship = reqs.get(o.id), ships.get(o.id)
        lines = list(o.lines)
        summary = ""
        if lines:
            summary = lines[0].product_title + (f" 외 {len(lines) - 1}건" if len(lines) > 1 else "")
        rows.append({
            "order": o, "summary": summary, "quantity": sum(line.quantity for line in lines),
            "recipient": masked(req, "recipient_name") if req else "",
            "region": masked(req, "address1") if req else "",
            "shipment": _shipment(ship) if ship else None,
            "paid_at": _kst(o.paid_at),
        })
    return rows


def _kst(value) -> str:
    return clock.to_kst(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _shipment(s: Shipment) -> dict:
    carrier = carriers.get(s.carrier)
    return {"carrier_name": carriers.name_of(s.carrier), "tracking_no": s.tracking_no, "status": s.status,
            "status_label": labels.label(s.status, "shipment_status"),
            "tracking_url": carrier.tracking_url(s.tracking_no) if carrier else None,
            "shipped_at": _kst(s.shipped_at), "delivered_at": _kst(s.delivered_at),
            "failed_at": _kst(s.failed_at),
            "failure_reason": labels.label(s.failure_reason, "delivery_failure") or None}


def may_reveal(order) -> bool:
    """Whether shipping staff may see this order's recipient unmasked right now."""
    if recipient_visible(order):
        return True
    if order.status == "return_requested":
        pickup = db.session.execute(select(ReturnPickup).filter_by(order_id=order.id)).scalar_one_or_none()
        return bool(pickup and pickup.status == "requested")  # the courier must find the parcel
    return False


def recipient(order, req: DeliveryRequest | None) -> dict:
    """The recipient block: full when ``may_reveal``, else masked. ``revealed`` says which."""
    if req is None:
        return {"revealed": False, "missing": True}
    if may_reveal(order):
        return {"revealed": True, **{key: getattr(req, name) or "" for key, name in RECIPIENT.items()}}
    # Masked by each field's declared rule; what has no rule (details, memo) is not shown.
    return {"revealed": False, **{key: masked(req, name) for key, name in RECIPIENT.items()}}


def detail(order) -> dict:
    """Everything the detail and slip screens show for one order."""
    req = db.session.execute(select(DeliveryRequest).filter_by(order_id=order.id)).scalar_one_or_none()
    shipments = db.session.execute(select(Shipment).filter_by(order_id=order.id)
                                   .order_by(Shipment.id)).scalars().all()
    events = db.session.execute(select(ShipmentEvent).filter_by(order_id=order.id)
                                .order_by(ShipmentEvent.at, ShipmentEvent.id)).scalars().all()
    pickup = db.session.execute(select(ReturnPickup).filter_by(order_id=order.id)).scalar_one_or_none()
    current = shipments[-1] if shipments else None
    return {
        "order": order, "lines": list(order.lines), "recipient": recipient(order, req),
        "shipments": [_shipment(s) for s in shipments],
        "current": _shipment(current) if current else None,
        "current_status": current.status if current else None,
        "events": [{"at": _kst(e.at), "label": labels.label(e.kind, "delivery"), "actor": e.actor,
                    "reason": labels.label(e.code, "delivery_failure") or None} for e in events],
        "pickup": ({"status": pickup.status, "carrier_name": carriers.name_of(pickup.carrier),
                    "tracking_no": pickup.tracking_no, "created_at": _kst(pickup.created_at)} if pickup else None),
        "delivered_at": _kst(order.delivered_at),
    }
