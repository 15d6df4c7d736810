"""Guest checkout under races: one form submitted 8 times at once makes one order, one charge."""
from __future__ import annotations

import re

from sentem.extensions import db
from sentem.orders.gateways.testgateway import TestGatewayCharge
from sentem.orders.guest_models import GuestOrder
from sentem.orders.models import Order
from sentem.shop import cart_guest
from sentem.shop.models import Product
from tests.guest.builders import guest_form
from tests.orders.builders import make_product
from tests.races import LiveClient, errors, race

N = 8


def test_one_guest_checkout_form_submitted_8_times_over_http_makes_one_order(app, live_server):
    product = make_product(stock=10, price=15000)
    _line, token = cart_guest.add(None, product.id, 2)
    product_id = product.id
    browser = LiveClient(live_server)
    browser.cookies[cart_guest.COOKIE] = token
    page = browser.get("/checkout").body
    form = guest_form(re.search(r'name="checkout_token" value="([^"]+)"', page).group(1),
                      csrf_token=re.search(r'name="csrf_token" value="([^"]+)"', page).group(1))
    db.session.remove()

    replies = race(app, [lambda: browser.request("POST", "/checkout", form)] * N)

    assert errors(replies) == []
    assert [r.status for r in replies] == [302] * N  # never a 500
    order = Order.query.one()
    assert {r.location.replace(live_server.url, "") for r in replies} == {f"/guest/orders/{order.order_no}"}
    assert GuestOrder.query.count() == 1 and order.status == "paid"
    assert db.session.execute(db.select(db.func.count()).select_from(TestGatewayCharge)).scalar_one() == 1
    assert db.session.get(Product, product_id).stock == 8
