"""The shop's selling terms as configured: delivery fee, free-delivery threshold, returns.

One source: checkout charges the fee computed here (``orders.checkout`` reads
``shipping_terms``), the product pages show the same numbers, and the 교환/반품 안내
takes its return window from the registry's periods (``SENTEM_RETURN_WINDOW_DAYS``).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from ..privacy.periods import PERIODS


def shipping_terms() -> tuple[int, int]:
    """(delivery fee, order total from which delivery is free), in won, as configured."""
    cfg = current_app.config
    return int(cfg.get("SENTEM_SHIPPING_FEE", 3000)), int(cfg.get("SENTEM_FREE_SHIPPING_OVER", 50000))


@dataclass(frozen=True)
class ReturnTerms:
    """What a product page says about exchanges and returns."""

    window_days: int  # from delivery
    return_fee: int  # one way, paid by the customer when the reason is a change of mind
    phone: str


def return_terms() -> ReturnTerms:
    """The exchange/return terms: window from the registry, fee = the delivery fee, the shop's phone."""
    fee, _free_over = shipping_terms()
    return ReturnTerms(window_days=PERIODS.return_window_days, return_fee=fee,
                       phone=current_app.config.get("BUSINESS_PHONE", ""))
