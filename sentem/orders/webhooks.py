"""Toss Payments webhooks (``PAYMENT_STATUS_CHANGED``): a hint, never a proof.

The body only says *which* attempt to look at. The shop re-fetches that payment
from the PG (``lookup``, authenticated with our secret key) and records what the
PG says through the same compare-and-set as the browser and the reconciliation:
a webhook before the browser returns, twice, or out of order changes nothing
wrongly. Only definite answers are taken (approved, declined, cancelled); a
payment the PG does not know or still holds unapproved leaves the order as it is,
so a forged webhook can neither pay nor cancel an order.
"""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from ..extensions import db
from . import gateways, payments
from .models import Payment

MAX_BYTES = 16 * 1024
EVENT = "PAYMENT_STATUS_CHANGED"
ORDER_ID = re.compile(r"^[A-Za-z0-9_-]{6,64}$")
DEFINITE = ("approved", "declined", "cancelled")


class BadWebhook(ValueError):
    """The body is not a webhook we understand (400)."""


def parse(raw: bytes) -> str | None:
    """The ``orderId`` a webhook is about; None for other event types. Raises BadWebhook."""
    if len(raw) > MAX_BYTES:
        raise BadWebhook("too large")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadWebhook("not JSON") from exc
    if not isinstance(body, dict) or not isinstance(body.get("eventType"), str):
        raise BadWebhook("no eventType")
    if body["eventType"] != EVENT:
        return None
    data = body.get("data")
    order_id = data.get("orderId") if isinstance(data, dict) else None
    if not isinstance(order_id, str) or not ORDER_ID.match(order_id):
        raise BadWebhook("no valid data.orderId")
    return order_id


def handle(order_id: str) -> str:
    """Re-fetch the attempt from the PG and apply what it says (commits). Returns what was done.

    Raises ``gateways.GatewayUnavailable`` when the PG cannot be asked (the PG retries the webhook).
    """
    payment = db.session.execute(select(Payment).where(Payment.attempt_key == order_id,
                                                       Payment.gateway == "toss")).scalar_one_or_none()
    if payment is None:
        return "unknown order"
    order = payment.order
    if order.status != "pending_payment" or payment.status not in payments.OPEN_STATUSES:
        return "already settled"
    gateway = gateways.by_name(payment.gateway)
    db.session.commit()  # no transaction open across the remote call
    result = gateway.lookup(attempt_key=payment.attempt_key, ref=payment.gateway_ref)
    if result.status not in DEFINITE:
        return f"nothing to do ({result.status})"
    outcome = payments.apply_answer(order, payment, result, actor="system:toss-webhook")
    return outcome.outcome
