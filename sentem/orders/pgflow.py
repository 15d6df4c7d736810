"""The redirect flow of a PG window (Toss Payments): send the buyer there, take the answer back.

1. ``window_for(order)``: where checkout sends the buyer — the PG's window with the
   attempt's ``orderId``, the amount, an order name and our success/fail URLs. Only
   those leave the shop (Toss asks no buyer contact for a card payment).
2. ``on_success``: the window came back with ``paymentKey``, ``orderId``, ``amount``.
   The attempt must be this member's, still open, and the amount must equal what the
   database says the order costs — checked *before* anything is asked of the PG; a
   tampered amount is refused without confirming. Then ``payments.settle`` confirms
   (idempotent per attempt) and only a ``DONE`` answer marks the order paid.
3. ``on_fail``: the window came back with ``code``/``message``: the order fails with a
   Korean explanation, its stock goes back, the cart is untouched.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from . import gateways, payments
from .gateways.toss import message_for
from .models import Order, Payment

AMOUNT_MISMATCH = "결제 금액이 주문 금액과 달라 결제를 진행하지 않았습니다. 장바구니에서 다시 주문해 주세요."
NOT_OPEN = "이미 처리된 결제입니다. 주문 내역에서 상태를 확인해 주세요."


class FlowError(Exception):
    """The PG's answer cannot be taken for this member's order; ``message`` (Korean) says why."""

    def __init__(self, message: str, order: Order | None = None):
        super().__init__(message)
        self.message, self.order = message, order


def order_name(order: Order) -> str:
    """What the PG shows as the order: the first product and how many more (no personal data)."""
    first = order.lines[0].product_title if order.lines else "주문"
    more = len(order.lines) - 1
    return (f"{first} 외 {more}건" if more > 0 else first)[:100]


def window_origin() -> str | None:
    """The origin of the sandbox's window when checkout sends buyers there (None: none, or Toss's SDK)."""
    if current_app.config.get("SENTEM_PAYMENT_GATEWAY") != "toss":
        return None
    gateway = gateways.by_name("toss")
    if gateway.hosted_window:
        return None
    parts = urlsplit(gateway.base)
    return f"{parts.scheme}://{parts.netloc}"


def window_for(order: Order, *, success_url: str, fail_url: str) -> str | None:
    """The sandbox window's URL for the order's open attempt; None when Toss's own (SDK) window opens it."""
    payment = order.latest_payment
    gateway = gateways.by_name(payment.gateway)
    if getattr(gateway, "hosted_window", True):
        return None
    return gateway.window_url(order_id=payment.attempt_key, amount=payment.amount, order_name=order_name(order),
                              success_url=success_url, fail_url=fail_url)


def attempt(member_id: int | None, order_id: str) -> Payment:
    """The member's payment attempt named by the PG's ``orderId`` (``None``: a guest order's, whose
    caller has checked the order is the visitor's); FlowError when it is not theirs."""
    whose = Payment.member_id.is_(None) if member_id is None else Payment.member_id == member_id
    payment = db.session.execute(select(Payment).where(Payment.attempt_key == (order_id or "")[:48],
                                                       whose)).scalar_one_or_none()
    if payment is None:
        raise FlowError("결제 정보를 찾을 수 없습니다. 주문 내역을 확인해 주세요.")
    return payment


def _parse_amount(raw: str) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 12 else None


def on_success(member_id: int, *, payment_key: str, order_id: str, amount: str, actor: str):
    """Verify the window's answer against the database, then confirm at the PG (commits)."""
    payment = attempt(member_id, order_id)
    order = payment.order
    if order.status != "pending_payment" or payment.status not in payments.OPEN_STATUSES:
        raise FlowError(NOT_OPEN, order)
    if _parse_amount(amount) != payment.amount or not payment_key or len(payment_key) > 200:
        # Refused before the PG is asked: nothing is confirmed, nothing charged.
        result = gateways.GatewayResult("declined", code="AMOUNT_MISMATCH", message=AMOUNT_MISMATCH)
        payments.apply_answer(order, payment, result, actor=actor)
        raise FlowError(AMOUNT_MISMATCH, order)
    return payments.settle(order, payment, {"paymentKey": payment_key}, actor=actor)


def on_fail(member_id: int, *, order_id: str, code: str, actor: str) -> tuple[Order, str]:
    """The buyer declined or closed the window: fail the order, give the stock back (commits)."""
    payment = attempt(member_id, order_id)
    order = payment.order
    message = message_for((code or "")[:40])
    if order.status == "pending_payment" and payment.status == "pending":
        payments.apply_answer(order, payment, gateways.GatewayResult("declined", code=(code or "")[:40],
                                                                     message=message), actor=actor)
    return order, message
