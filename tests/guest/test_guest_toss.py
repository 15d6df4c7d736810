"""A guest pays through the Toss-compatible sandbox: the same checkout, window and success/fail pages."""
import re
import urllib.parse

from sentem.extensions import db
from sentem.orders.models import Order
from sentem.shop import cart_guest
from sentem.shop.cart_models import GuestCartItem
from tests.guest.builders import guest_form
from tests.orders.builders import make_product
from tests.races import LiveClient


def _path(url: str, live_server) -> str:
    assert url.startswith(live_server.url), url
    return url[len(live_server.url):]


def _to_window(live_server, toss, product, qty=1):
    _line, token = cart_guest.add(None, product.id, qty)
    client = LiveClient(live_server)
    client.cookies[cart_guest.COOKIE] = token
    page = client.get("/checkout").body
    assert "토스페이먼츠" in page
    form = guest_form(re.search(r'name="checkout_token" value="([^"]+)"', page).group(1),
                      csrf_token=re.search(r'name="csrf_token" value="([^"]+)"', page).group(1), payment_method="toss")
    reply = client.post("/checkout", form)
    assert reply.status == 303 and re.search(r"/orders/[\w-]+/pay$", reply.location), (reply.status, reply.location)
    window = client.get(_path(urllib.parse.urljoin(live_server.url, reply.location), live_server))
    assert window.status == 303 and window.location.startswith(toss.url + "/window?")
    return client, window.location


def test_a_guest_pays_in_the_toss_window_and_lands_on_the_guest_order(app, toss, live_server):
    client, window = _to_window(live_server, toss, make_product(price=12000, stock=3), 2)
    back = client.get(_path(toss.decide(window), live_server))
    db.session.expire_all()
    order = Order.query.one()
    assert back.status == 302 and back.location.endswith(f"/guest/orders/{order.order_no}")
    assert order.member_id is None and order.status == "paid" and toss.ledger.confirm_calls == 1
    assert "결제 완료" in client.get(f"/guest/orders/{order.order_no}").body


def test_a_guest_who_cancels_the_window_gets_the_goods_back_in_the_cart(app, toss, live_server):
    client, window = _to_window(live_server, toss, make_product(stock=3), 2)
    back = client.get(_path(toss.decide(window, "cancel"), live_server))
    db.session.expire_all()
    assert back.status == 302 and back.location.endswith("/cart")
    assert Order.query.one().status == "cancelled"
    assert [i.quantity for i in GuestCartItem.query.all()] == [2]


def test_another_browser_cannot_complete_a_guests_payment(app, toss, live_server):
    _client, window = _to_window(live_server, toss, make_product(stock=3))
    success = toss.decide(window)
    stranger = LiveClient(live_server)
    stranger.get("/guest/orders")  # a session, but no guest order in it
    assert stranger.get(_path(success, live_server)).status in (302, 404)
    db.session.expire_all()
    assert Order.query.one().status == "pending_payment"
