"""Helpers for the Toss tests: a checkout through the shop's services up to the PG window."""
from __future__ import annotations

import urllib.parse

from sentem.orders import checkout as co
from sentem.orders import pgflow
from sentem.shop import cart
from tests.orders.builders import DELIVERY

SHOP = "http://shop.test"


def to_window(member, products_qty):
    """Cart, checkout with ``payment_method=toss``; returns (order, the PG window's URL)."""
    for product, qty in products_qty:
        cart.add(member.id, product.id, qty)
    result = co.place_order(member, token=co.issue_token(member.id), delivery=dict(DELIVERY), payment_method="toss")
    assert result.outcome == "redirect", result.message
    url = pgflow.window_for(result.order, success_url=f"{SHOP}/payments/toss/success",
                            fail_url=f"{SHOP}/payments/toss/fail")
    return result.order, url


def query(url: str) -> dict:
    """The query parameters of a URL the window sent the browser to."""
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def come_back(member, location: str):
    """What the success URL does with the window's answer (``pgflow.on_success``)."""
    q = query(location)
    return pgflow.on_success(member.id, payment_key=q["paymentKey"], order_id=q["orderId"], amount=q["amount"],
                             actor=f"member:{member.id}")


def pay(member, sandbox, products_qty):
    """A paid Toss order: window approved, success URL taken, confirmed at the sandbox."""
    order, url = to_window(member, products_qty)
    result = come_back(member, sandbox.decide(url))
    assert result.outcome == "paid", result.message
    return result.order
