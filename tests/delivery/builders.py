"""Builders for delivery tests (other features may import these)."""
from __future__ import annotations

from sentem.delivery import shipping

STAFF_ACTOR = "staff:1"
CJ_NO = "123456789012"


def ship(order, carrier="cj", tracking_no=CJ_NO, actor=STAFF_ACTOR):
    """Take a paid order through preparing to shipped; returns the shipment."""
    return shipping.mark_shipped(order.order_no, carrier, tracking_no, actor=actor)


def deliver(order, actor=STAFF_ACTOR):
    """Ship (if needed) and mark delivered."""
    if order.status in ("paid", "preparing"):
        ship(order, actor=actor)
    return shipping.mark_delivered(order.order_no, actor=actor)
