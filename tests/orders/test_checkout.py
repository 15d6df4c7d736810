"""Checkout over HTTP: one-time token, price snapshot, declines, lost gateway answers."""
import re

import pytest

from sentem.extensions import db
from sentem.orders.gateways.testgateway import TestGatewayCharge
from sentem.orders.models import Order, Payment
from sentem.shop import cart
from sentem.shop.models import Product
from tests.builders import login_as, make_member
from tests.orders.builders import DELIVERY, make_product


@pytest.fixture
def member(client):
    m = make_member()
    login_as(client, m)
    return m


def _token(client):
    html = client.get("/checkout").get_data(as_text=True)
    return re.search(r'name="checkout_token" value="([^"]+)"', html).group(1)


def _submit(client, token, **extra):
    data = dict(DELIVERY, payment_method="test", test_outcome="approve", checkout_token=token)
    data.update(extra)
    return client.post("/checkout", data=data)


def test_checkout_creates_one_paid_order_with_snapshot(client, member):
    a = make_product(title="머그컵", price=8000, stock=10)
    b = make_product(title="텀블러", price=25000, stock=10)
    cart.add(member.id, a.id, 2)
    cart.add(member.id, b.id, 1)
    html = client.get("/checkout").get_data(as_text=True)
    assert 'value="test"' in html and "041" not in html
    token = re.search(r'name="checkout_token" value="([^"]+)"', html).group(1)
    # A price and total posted by the client are ignored.
    resp = _submit(client, token, price="1", total_amount="1", unit_price="1")
    assert resp.status_code == 302
    order = Order.query.one()
    assert resp.headers["Location"] == f"/orders/{order.order_no}"
    assert re.fullmatch(r"20261128-[A-Z0-9]{6}", order.order_no)
    assert order.status == "paid"
    assert order.subtotal_amount == 41000 and order.shipping_fee == 3000 and order.total_amount == 44000
    assert order.payments[0].amount == 44000
    assert db.session.get(Product, a.id).stock == 8 and db.session.get(Product, b.id).stock == 9
    assert cart.items(member.id) == []
    # Later price changes never touch the order.
    a.price = 1
    db.session.commit()
    page = client.get(f"/orders/{order.order_no}").get_data(as_text=True)
    assert "16,000원" in page and "44,000원" in page and "결제 완료" in page
    assert "4,000원" in page  # VAT = round(44000 / 11)
    listing = client.get("/orders").get_data(as_text=True)
    assert f'href="/orders/{order.order_no}"' in listing


def test_replayed_token_lands_on_the_same_order_without_second_charge(client, member):
    p = make_product(stock=10)
    cart.add(member.id, p.id, 1)
    token = _token(client)
    first = _submit(client, token)
    cart.add(member.id, p.id, 1)  # even with something in the cart again
    second = _submit(client, token)
    assert first.headers["Location"] == second.headers["Location"]
    assert Order.query.count() == 1 and Payment.query.count() == 1
    assert TestGatewayCharge.query.count() == 1
    assert db.session.get(Product, p.id).stock == 9


def test_forged_or_foreign_token_is_refused(client, member):
    p = make_product()
    cart.add(member.id, p.id, 1)
    resp = _submit(client, "not-a-token")
    assert resp.status_code == 302 and resp.headers["Location"] == "/cart"
    other = make_member()
    from sentem.orders.checkout import issue_token

    foreign = issue_token(other.id)
    _submit(client, foreign)
    assert Order.query.count() == 0


def test_declined_payment_keeps_cart_and_takes_nothing(client, member):
    p = make_product(stock=5)
    cart.add(member.id, p.id, 2)
    resp = _submit(client, _token(client), test_outcome="decline")
    assert resp.headers["Location"] == "/cart"
    html = client.get("/cart").get_data(as_text=True)
    assert "결제가 거절되었습니다" in html
    assert [i.quantity for i in cart.items(member.id)] == [2]
    assert db.session.get(Product, p.id).stock == 5
    order = Order.query.one()
    assert order.status == "cancelled" and order.payments[0].status == "declined"


def test_bad_delivery_input_keeps_what_was_typed(client, member):
    p = make_product()
    cart.add(member.id, p.id, 1)
    resp = _submit(client, _token(client), recipient_phone="abc", address1="", recipient_name="김영희")
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert 'value="김영희"' in html and "field-error" in html
    assert Order.query.count() == 0


def test_unknown_payment_method_refused(client, member):
    p = make_product()
    cart.add(member.id, p.id, 1)
    resp = _submit(client, _token(client), payment_method="card")
    assert resp.status_code == 400 and "결제 수단을 선택해 주세요" in resp.get_data(as_text=True)


def test_gateway_timeout_keeps_order_pending_and_recoverable(client, member):
    p = make_product(stock=5)
    cart.add(member.id, p.id, 1)
    resp = _submit(client, _token(client), test_outcome="timeout")
    order = Order.query.one()
    assert resp.headers["Location"] == f"/orders/{order.order_no}"
    assert order.status == "pending_payment" and order.payments[0].status == "unknown"
    assert db.session.get(Product, p.id).stock == 4  # held for this order, not lost
    page = client.get(f"/orders/{order.order_no}").get_data(as_text=True)
    assert "결제 확인" in page
    client.post(f"/orders/{order.order_no}/payment/check")
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status == "paid" and order.payments[0].status == "approved"
    assert TestGatewayCharge.query.count() == 1


def test_gateway_error_then_lookup_cancels_and_releases(client, member):
    p = make_product(stock=5)
    cart.add(member.id, p.id, 1)
    _submit(client, _token(client), test_outcome="error")
    order = Order.query.one()
    assert order.status == "pending_payment"
    client.post(f"/orders/{order.order_no}/payment/check")
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "cancelled"
    assert db.session.get(Product, p.id).stock == 5
    assert [i.quantity for i in cart.items(member.id)] == [1]


def test_sold_out_at_checkout_writes_nothing(client, member):
    p = make_product(stock=3, title="한정판")
    cart.add(member.id, p.id, 3)
    token = _token(client)
    p.stock = 1
    db.session.commit()
    resp = _submit(client, token)
    assert resp.headers["Location"] == "/cart"
    assert Order.query.count() == 0
    assert db.session.get(Product, p.id).stock == 1


def test_someone_elses_order_is_404(client, member):
    from tests.orders.builders import make_paid_order

    other_order = make_paid_order(make_member())
    assert client.get(f"/orders/{other_order.order_no}").status_code == 404
    assert client.get(f"/orders/{other_order.order_no}/receipt").status_code == 404
    assert client.post(f"/orders/{other_order.order_no}/cancel").status_code == 404
    assert client.get("/orders/../etc").status_code == 404
    assert client.get("/orders/" + "x" * 80).status_code == 404
    assert db.session.get(Order, other_order.id).status == "paid"


def test_anonymous_orders_go_to_login_and_an_empty_visitor_cart_back_to_the_cart(app):
    c = app.test_client()
    assert c.get("/checkout").headers["Location"] == "/cart"  # with a cart: guest checkout (tests/guest)
    assert c.get("/orders").headers["Location"] == "/login?next=/orders"
    assert c.post("/orders/20261128-AAAAAA/cancel").headers["Location"] == "/login?next=/orders/20261128-AAAAAA"


def test_checkout_prefills_the_default_address(client, member):
    from sentem.delivery import addressbook

    addressbook.add(member, {"label": "집", "recipient_name": "박주소", "recipient_phone": "010-9999-8888",
                             "postcode": "48058", "address1": "부산광역시 해운대구 센텀로 1", "address2": "101호"},
                    make_default=True)
    p = make_product()
    cart.add(member.id, p.id, 1)
    html = client.get("/checkout").get_data(as_text=True)
    assert 'value="박주소"' in html and 'value="48058"' in html and 'value="101호"' in html


def test_receipt_shows_vat_and_supply_amount(client, member):
    from tests.orders.builders import make_paid_order

    order = make_paid_order(member, quantity=1, price=52000)  # free delivery from 50,000
    html = client.get(f"/orders/{order.order_no}/receipt").get_data(as_text=True)
    assert "구매 영수증" in html and order.order_no in html
    assert "4,727원" in html and "47,273원" in html and "52,000원" in html  # 52000/11 = 4727.27


def test_without_the_test_gateway_nothing_can_be_charged_by_it(client, member, app):
    from sentem.config import ConfigError, build

    app.config["SENTEM_TEST_GATEWAY"] = False
    p = make_product()
    cart.add(member.id, p.id, 1)
    html = client.get("/checkout").get_data(as_text=True)
    assert "사용할 수 있는 결제 수단이 없습니다" in html
    token = re.search(r'name="checkout_token" value="([^"]+)"', html).group(1)
    resp = _submit(client, token)
    assert resp.status_code == 400 and Order.query.count() == 0
    with pytest.raises(ConfigError):
        build("/tmp", {"SENTEM_ENV": "production", "SECRET_KEY": "x", "SENTEM_MASTER_KEY": "y",
                       "SENTEM_TEST_GATEWAY": True})


def test_a_member_with_a_pending_withdrawal_cannot_order(client, member):
    """New orders would keep postponing the withdrawal (issue 14): refused with a message, nothing taken."""
    product = make_product(title="머그컵", price=8000, stock=10)
    cart.add(member.id, product.id, 1)
    token = _token(client)
    member.status = "withdrawal_pending"
    db.session.commit()
    resp = client.get("/checkout")
    assert resp.status_code == 302 and resp.headers["Location"] == "/cart"
    resp = _submit(client, token)
    assert resp.status_code == 302 and resp.headers["Location"] == "/cart"
    page = client.get("/cart").get_data(as_text=True)
    assert "탈퇴 신청을 취소" in page
    assert Order.query.count() == 0 and db.session.get(Product, product.id).stock == 10
    assert len(cart.items(member.id)) == 1
