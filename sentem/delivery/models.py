"""Delivery data: address book, the delivery request of each order, shipments and returns.

Every personal value (recipient, phone, address, memo, even the address label) is
sealed under the member's own data key (``data_key_id`` copied from the member),
so crypto-shredding the member's key makes every copy unreadable. Shipment rows
hold no personal data: carrier, tracking number, status and times only.
"""
from __future__ import annotations

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..security.fields import personal


class AddressBookEntry(db.Model):
    """One saved delivery address of a member ("배송지 목록"); one may be the default."""

    __tablename__ = "delivery_addresses"

    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, db.ForeignKey("members.id", ondelete="CASCADE"),
                          nullable=False, index=True)
    data_key_id = db.Column(db.Integer, nullable=False)
    is_default = db.Column(db.Boolean, nullable=False, default=False)

    label = personal("address_label", mask="hidden")
    recipient_name = personal("address_recipient_name", nullable=False, mask="name")
    recipient_phone = personal("address_recipient_phone", nullable=False, mask="phone")
    postcode = personal("address_postcode", nullable=False, mask="hidden")
    address1 = personal("address_address1", nullable=False, mask="address")
    address2 = personal("address_address2")

    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class DeliveryRequest(db.Model):
    """The delivery request (배송 요청) of one order: a snapshot taken at checkout.

    Editing the address book later changes nothing here; the member may change this
    snapshot only until the order is marked preparing.
    """

    __tablename__ = "delivery_requests"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id", ondelete="CASCADE"),
                         nullable=False, unique=True)
    member_id = db.Column(db.Integer, nullable=True, index=True)  # None: a guest order
    data_key_id = db.Column(db.Integer, nullable=False)

    recipient_name = personal("recipient_name", nullable=False, mask="name")
    recipient_phone = personal("recipient_phone", nullable=False, mask="phone")
    postcode = personal("delivery_postcode", nullable=False, mask="hidden")
    address1 = personal("delivery_address1", nullable=False, mask="address")
    address2 = personal("delivery_address2")
    memo = personal("delivery_memo")

    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    address_changed_at = db.Column(UTCDateTime, nullable=True)


class Shipment(db.Model):
    """One parcel handed to a carrier; a re-send after a failed delivery is a new row."""

    __tablename__ = "shipments"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    carrier = db.Column(db.String(32), nullable=False)  # carrier code, see carriers.py
    tracking_no = db.Column(db.String(40), nullable=False)
    status = db.Column(db.String(16), nullable=False, default="shipped")  # shipped | delivered | failed
    shipped_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    delivered_at = db.Column(UTCDateTime, nullable=True)
    failed_at = db.Column(UTCDateTime, nullable=True)
    failure_reason = db.Column(db.String(32), nullable=True)  # a code from FAILURE_REASONS
    created_by = db.Column(db.String(40), nullable=False)  # actor, e.g. "staff:3"


class ShipmentEvent(db.Model):
    """The delivery status history of an order, shown to the member with its times."""

    __tablename__ = "shipment_events"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id", ondelete="CASCADE"),
                         nullable=False, index=True)
    shipment_id = db.Column(db.Integer, db.ForeignKey("shipments.id", ondelete="CASCADE"),
                            nullable=True, index=True)
    # requested | address_changed | preparing | shipped | failed | resent | delivered
    # | return_requested | return_picked_up | return_received
    kind = db.Column(db.String(24), nullable=False)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    actor = db.Column(db.String(40), nullable=False)
    # A code (failure reason), never free text: staff cannot write personal data here.
    code = db.Column(db.String(32), nullable=True)


class ReturnPickup(db.Model):
    """The return shipment of an order withdrawn under 청약철회 (picked up at the delivery address)."""

    __tablename__ = "return_pickups"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id", ondelete="CASCADE"),
                         nullable=False, unique=True)
    status = db.Column(db.String(16), nullable=False, default="requested")  # requested | picked_up | received
    carrier = db.Column(db.String(32), nullable=True)
    tracking_no = db.Column(db.String(40), nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    picked_up_at = db.Column(UTCDateTime, nullable=True)
    received_at = db.Column(UTCDateTime, nullable=True)
    created_by = db.Column(db.String(40), nullable=False)
