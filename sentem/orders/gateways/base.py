"""The payment gateway interface: confirm, cancel/refund, look up.

Card numbers never reach Sentem. With a real Korean PG the customer enters card
details in the PG's own window (결제창/위젯); Sentem only ever sees the PG's
payment key and answers. An adapter implements three calls:

``confirm(attempt_key, order_no, amount, method, params) -> GatewayResult``
    Approve (승인) the payment. ``attempt_key`` is Sentem's idempotency key for
    this attempt: sending it twice must not charge twice. ``params`` carries what
    the PG's window returned (e.g. Toss Payments ``paymentKey``; KG Inicis
    ``authToken``/``authUrl``; NHN KCP ``enc_data``). Returns ``approved`` or
    ``declined``. Raises ``GatewayUnavailable`` when the answer is unknown
    (timeout, 5xx, network): Sentem then keeps the order ``pending_payment`` and
    later calls ``lookup``.

``cancel(ref, attempt_key, amount, reason) -> GatewayResult``
    Cancel or refund (전체/부분 취소) ``amount`` won of the approved payment ``ref``.
    Must be idempotent per ``attempt_key`` + amount. Returns ``cancelled``.

``lookup(attempt_key, ref=None) -> GatewayResult``
    What the PG knows of the attempt (Toss: ``GET /v1/payments/orders/{orderId}``):
    ``approved``, ``declined``, ``cancelled``, ``pending`` or ``not_found``.

Example: a Toss Payments adapter maps ``confirm`` to
``POST /v1/payments/confirm {paymentKey, orderId=attempt_key, amount}`` with an
``Idempotency-Key`` header, ``cancel`` to ``POST /v1/payments/{paymentKey}/cancel
{cancelReason, cancelAmount}``, and ``lookup`` as above; it reads its secret key
from the environment, sets a short timeout (e.g. 10 s) and turns timeouts and
5xx into ``GatewayUnavailable`` (``toss.py``). A gateway whose buyer approves in
the PG's own window sets ``redirect = True``: checkout then sends the buyer there
instead of confirming at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class GatewayResult:
    """A gateway's answer. ``status``: approved | declined | cancelled | not_found | pending
    (the PG holds the attempt but it is not approved yet, e.g. Toss ``IN_PROGRESS``)."""

    status: str
    ref: str | None = None
    amount: int | None = None
    code: str = ""
    message: str = ""  # Korean, safe to show the customer (no card data)
    approval_no: str = ""  # the card company's approval number (승인 번호), when the PG gives one


class GatewayUnavailable(RuntimeError):
    """The gateway did not answer (timeout, error): the outcome is unknown, look it up later."""


class Gateway(Protocol):
    """What every payment gateway adapter provides."""

    name: str
    methods: tuple[str, ...]

    def confirm(self, *, attempt_key: str, order_no: str, amount: int, method: str,
                params: dict) -> GatewayResult: ...

    def cancel(self, *, ref: str, attempt_key: str, amount: int, reason: str) -> GatewayResult: ...

    def lookup(self, *, attempt_key: str, ref: str | None = None) -> GatewayResult: ...
