"""The orderer of a guest order (비회원 주문): who ordered, sealed under the order's own key.

A guest has no member row and no member key: each guest order gets a data key of its
own (kind ``guest_order`` in the key store). The orderer's items here and the order's
delivery request are sealed under it, so shredding that one key at the end of the
5-year retention makes every copy unreadable. The order password is hashed one-way.
"""
from __future__ import annotations

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..security.fields import personal


class GuestOrder(db.Model):
    """One guest order's orderer, password and consent (the order itself is an ``Order``)."""

    __tablename__ = "guest_orders"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, unique=True)
    data_key_id = db.Column(db.Integer, nullable=False)
    orderer_name = personal("guest_orderer_name", nullable=False, mask="name")
    orderer_phone = personal("guest_orderer_phone", nullable=False, mask="phone")
    orderer_email = personal("guest_orderer_email", nullable=False, mask="email")
    password_hash = db.Column(db.String(255), nullable=False, info={"personal": "guest_order_password"})
    # The consent to the guest_order record class: when, and under which policy version.
    consented_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    policy_version = db.Column(db.String(32), nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    order = db.relationship("Order", lazy="joined")


class GuestRequest(db.Model):
    """A guest's exercise of a right about their order: a copy (``access``, answered at once) or
    deletion (``deletion``: done at once where the law allows, else queued for staff within
    ``RIGHTS_ANSWER_DAYS``). No free text: nothing personal is stored here."""

    __tablename__ = "guest_requests"

    id = db.Column(db.Integer, primary_key=True)
    # The order number, not a key: the request stays readable after the orderer is destroyed.
    order_no = db.Column(db.String(32), nullable=False, index=True)
    kind = db.Column(db.String(20), nullable=False)  # access | deletion
    status = db.Column(db.String(20), nullable=False, default="received")  # received | answered
    outcome = db.Column(db.String(20), nullable=True)  # done | refused
    legal_basis = db.Column(db.String(300), nullable=True)
    received_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    due_at = db.Column(UTCDateTime, nullable=False)
    answered_at = db.Column(UTCDateTime, nullable=True)
    answered_by = db.Column(db.Integer, nullable=True)  # staff id; None = answered online at once
