"""Orders, their lines, payments, status history, cancellations and refunds.

An order carries no personal data itself (the recipient lives in the delivery
request); it holds the member's ``data_key_id`` so that anything sealed for it
later is shredded with the member. Order lines are a snapshot: later price or
title changes of a product never change a past order. Payments are kept apart
from the lines, each status change a ``PaymentEvent``. Amounts are integer won.
"""
from __future__ import annotations

from .. import clock
from ..privacy import labels
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..privacy.registry import Retention
from ..security.fields import day_key_column, personal

STATUSES = ("pending_payment", "paid", "preparing", "shipped", "delivered", "completed", "cancelled",
            "return_requested", "returned", "refunded")

# A declined or lapsed payment cancels its order; readers see "결제 실패" instead of "주문 취소":
# the label table's ``order`` domain (label_domains) knows this display code besides STATUSES.
PAYMENT_FAILED = "payment_failed"


class Order(db.Model):
    """A contract of sale (전자상거래법: 계약에 관한 기록)."""

    __tablename__ = "orders"
    __table_args__ = (db.Index("ix_orders_member_created", "member_id", "created_at"),)

    id = db.Column(db.Integer, primary_key=True)
    order_no = db.Column(db.String(32), nullable=False, unique=True)  # e.g. 20261128-7K3QX9
    # None for a guest order (비회원 주문): its orderer is a ``GuestOrder``, its key its own.
    member_id = db.Column(db.Integer, db.ForeignKey("members.id"), nullable=True)
    data_key_id = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(20), nullable=False, default="pending_payment", index=True)
    subtotal_amount = db.Column(db.Integer, nullable=False, default=0)
    shipping_fee = db.Column(db.Integer, nullable=False, default=0)
    total_amount = db.Column(db.Integer, nullable=False, default=0)
    payment_method = db.Column(db.String(20), nullable=False, default="test")
    # True while this order holds stock it took; releasing sets it False (never release twice).
    stock_reserved = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    # Indexed: the nightly statistics read only the orders written since their last run.
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow, index=True)
    paid_at = db.Column(UTCDateTime, nullable=True)
    shipped_at = db.Column(UTCDateTime, nullable=True)
    delivered_at = db.Column(UTCDateTime, nullable=True)
    completed_at = db.Column(UTCDateTime, nullable=True)
    cancelled_at = db.Column(UTCDateTime, nullable=True)

    lines = db.relationship("OrderLine", back_populates="order", order_by="OrderLine.id",
                            cascade="all, delete-orphan")
    payments = db.relationship("Payment", back_populates="order", order_by="Payment.id",
                               cascade="all, delete-orphan")
    events = db.relationship("OrderEvent", back_populates="order", order_by="OrderEvent.id",
                             cascade="all, delete-orphan")
    cancellations = db.relationship("Cancellation", back_populates="order", order_by="Cancellation.id",
                                    cascade="all, delete-orphan")

    @property
    def payment_failed(self) -> bool:
        """Given up because its payment was declined or lapsed: never paid, nobody cancelled it."""
        return self.status == "cancelled" and self.paid_at is None and not self.cancellations

    @property
    def display_status(self) -> str:
        """The status code a reader sees: ``payment_failed`` (결제 실패) rather than ``cancelled``."""
        return PAYMENT_FAILED if self.payment_failed else self.status

    @property
    def status_label(self) -> str:
        """The status's Korean label (the catalog msgid; pages translate it through ``|label``)."""
        return labels.korean("order", self.display_status)

    @property
    def vat_amount(self) -> int:
        """VAT inside a VAT-inclusive total: round(total / 11), integer won."""
        return (self.total_amount * 2 + 11) // 22  # round half up without floats

    @property
    def latest_payment(self):
        return self.payments[-1] if self.payments else None


class OrderLine(db.Model):
    """A snapshot of one product as bought: title, unit price and quantity at that moment."""

    __tablename__ = "order_lines"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    # The product may later change or disappear; the snapshot below is what was sold.
    product_id = db.Column(db.Integer, db.ForeignKey("products.id", ondelete="SET NULL"), nullable=True)
    product_title = db.Column(db.String(120), nullable=False)
    unit_price = db.Column(db.Integer, nullable=False)
    quantity = db.Column(db.Integer, nullable=False)
    line_total = db.Column(db.Integer, nullable=False)

    order = db.relationship(Order, back_populates="lines")


class OrderEvent(db.Model):
    """One status change of an order, stamped with time and actor (e.g. ``member:3``, ``staff:2``)."""

    __tablename__ = "order_events"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    from_status = db.Column(db.String(20), nullable=True)
    to_status = db.Column(db.String(20), nullable=False)
    actor = db.Column(db.String(40), nullable=False)
    note = db.Column(db.String(200), nullable=True)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    order = db.relationship(Order, back_populates="events")


PAYMENT_STATUSES = ("pending", "approved", "declined", "unknown", "failed", "cancelled", "refunded")
# 5 years from the transaction (전자상거래법 시행령 제6조). The gateway's payment key and the
# approval number lead back to the buyer at the PG and the card company: they are sealed
# under the order's data key and the day key of that end, so they die on time whether the
# member withdraws or stays.
PAYMENT_RETENTION = Retention(years=5, starts="transaction")


class Payment(db.Model):
    """A payment through a gateway (전자상거래법: 대금결제에 관한 기록). No card data is ever here."""

    __tablename__ = "payments"

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    member_id = db.Column(db.Integer, db.ForeignKey("members.id"), nullable=True, index=True)  # None: guest
    gateway = db.Column(db.String(20), nullable=False)
    method = db.Column(db.String(20), nullable=False)
    # Our idempotency key towards the gateway (unique: one charge per attempt).
    attempt_key = db.Column(db.String(48), nullable=False, unique=True)
    data_key_id = db.Column(db.Integer, nullable=False)  # the order's: the member's key, or a guest order's own
    day_key_id = day_key_column(PAYMENT_RETENTION)
    # the gateway's transaction id (Toss paymentKey), and the card company's approval number (승인 번호)
    gateway_ref = personal("payment_key", mask="hidden", expires=lambda p: _payment_ends(p))
    approval_no = personal("payment_approval_no", mask="hidden", expires=lambda p: _payment_ends(p))
    amount = db.Column(db.Integer, nullable=False)
    refunded_amount = db.Column(db.Integer, nullable=False, default=0)
    status = db.Column(db.String(20), nullable=False, default="pending")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    approved_at = db.Column(UTCDateTime, nullable=True)

    order = db.relationship(Order, back_populates="payments")
    events = db.relationship("PaymentEvent", back_populates="payment", order_by="PaymentEvent.id",
                             cascade="all, delete-orphan")


def _payment_ends(payment: Payment):
    # ``created_at`` is filled at flush; until then the payment is being made now.
    return PAYMENT_RETENTION.until(clock.as_utc(payment.created_at) or clock.now())


class PaymentEvent(db.Model):
    """One status change of a payment, with the gateway's short answer code."""

    __tablename__ = "payment_events"

    id = db.Column(db.Integer, primary_key=True)
    payment_id = db.Column(db.Integer, db.ForeignKey("payments.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    status = db.Column(db.String(20), nullable=False)
    amount = db.Column(db.Integer, nullable=True)
    detail = db.Column(db.String(200), nullable=True)  # gateway code/message; never card data
    at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    payment = db.relationship(Payment, back_populates="events")


# Why a member cancels or returns (labels: the ``cancel_reason`` domain); unknown reasons are "other".
CANCEL_REASONS = ("change_of_mind", "wrong_order", "defective", "wrong_item", "late", "other")


class Cancellation(db.Model):
    """A cancellation or return (청약철회) and its refund (전자상거래법: 청약철회 등에 관한 기록).

    ``kind``: ``cancel`` (before shipment, refunded at once) or ``return`` (after
    delivery; refund due within 3 business days of the return's receipt).
    ``status``: requested → received → refunded, or refunded at once for cancels.
    """

    __tablename__ = "cancellations"
    __table_args__ = (db.Index("ix_cancellations_due", "status", "refund_due_on"),)

    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    member_id = db.Column(db.Integer, db.ForeignKey("members.id"), nullable=True, index=True)  # None: guest
    kind = db.Column(db.String(10), nullable=False)  # cancel | return | partial (one line refunded)
    # The one line a partial refund gives back (unique: a line is refunded at most once).
    line_id = db.Column(db.Integer, db.ForeignKey("order_lines.id", ondelete="SET NULL"), nullable=True, unique=True)
    reason_code = db.Column(db.String(20), nullable=False, default="change_of_mind")
    status = db.Column(db.String(20), nullable=False, default="requested")  # requested|received|refunded|failed
    refund_amount = db.Column(db.Integer, nullable=False, default=0)
    requested_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    received_at = db.Column(UTCDateTime, nullable=True)
    refund_due_on = db.Column(db.Date, nullable=True)  # KST date
    refunded_at = db.Column(UTCDateTime, nullable=True)
    overdue_flagged_at = db.Column(UTCDateTime, nullable=True)
    # Failed gateway refunds in a row; from REFUND_FAILURES_FLAG on, staff are told (refund_flagged_at).
    refund_failures = db.Column(db.Integer, nullable=False, default=0)
    refund_flagged_at = db.Column(UTCDateTime, nullable=True)
    handled_by = db.Column(db.String(40), nullable=True)  # actor who received/refunded

    order = db.relationship(Order, back_populates="cancellations")

    @property
    def reason_label(self) -> str:
        return labels.korean("cancel_reason", self.reason_code)


class CheckoutToken(db.Model):
    """A one-time checkout token, issued with the form and claimed by exactly one submit."""

    __tablename__ = "checkout_tokens"

    id = db.Column(db.Integer, primary_key=True)
    token = db.Column(db.String(64), nullable=False, unique=True)
    member_id = db.Column(db.Integer, db.ForeignKey("members.id", ondelete="CASCADE"), nullable=True,
                          index=True)  # None: a guest's form
    order_id = db.Column(db.Integer, db.ForeignKey("orders.id", ondelete="SET NULL"), nullable=True)
    issued_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    used_at = db.Column(UTCDateTime, nullable=True)
