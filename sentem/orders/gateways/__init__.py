"""Payment gateways behind one small interface (see ``base``).

``get(method)`` returns the adapter for a payment method. The test gateway is
offered only when ``SENTEM_TEST_GATEWAY`` is on; production refuses it in config.
Toss Payments (``toss``) is offered when ``SENTEM_PAYMENT_GATEWAY=toss``.
"""
from __future__ import annotations

from flask import current_app

from .base import Gateway, GatewayResult, GatewayUnavailable  # noqa: F401
from .toss import TossGateway


class UnknownMethod(LookupError):
    """No gateway offers this payment method here."""


def available_methods() -> list[tuple[str, str]]:
    """(method, Korean label) pairs the checkout form offers."""
    methods = []
    if current_app.config.get("SENTEM_PAYMENT_GATEWAY") == "toss":
        methods.append(("toss", "토스페이먼츠 (카드·간편결제)"))
    if current_app.config.get("SENTEM_TEST_GATEWAY"):
        methods.append(("test", "테스트 결제"))
    return methods


def get(method: str) -> Gateway:
    """The gateway for ``method``; raises UnknownMethod when it is not offered."""
    if method == "test" and current_app.config.get("SENTEM_TEST_GATEWAY"):
        from .testgateway import TestGateway

        return TestGateway()
    if method == "toss" and current_app.config.get("SENTEM_PAYMENT_GATEWAY") == "toss":
        return TossGateway()
    raise UnknownMethod(method)


def by_name(name: str) -> Gateway:
    """The gateway that recorded a payment (for refunds and look-ups of past payments)."""
    if name == "test":
        from .testgateway import TestGateway

        return TestGateway()
    if name == "toss":
        return TossGateway()
    raise UnknownMethod(name)
