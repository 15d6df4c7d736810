"""The cart hand-off of checkout (issue 14, part 7): the order takes the cart in the transaction
that creates it, before any charge; an unpaid order gives the lines back; while an order waits
for its payment answer, checkout leads to that order instead of charging again."""
import re

import pytest

from sentem import clock
from sentem.extensions import db
from sentem.orders import checkout as co
from sentem.orders.gateways.testgateway import TestGatewayCharge
from sentem.orders.jobs import payment_recovery_job
from sentem.orders.models import Order
from sentem.shop import cart
from sentem.shop.models import Product
from tests.builders import login_as, make_member
from tests.orders.builders import DELIVERY, make_product
from tests.races import errors, race


@pytest.fixture
def member(client):
    m = make_member()
    login_as(client, m)
    return m


def _token(client):
    html = client.get("/checkout").get_data(as_text=True)
    return re.search(r'name="checkout_token" value="([^"]+)"', html).group(1)


def _submit(client, token, outcome="approve"):
    return client.post("/checkout", data=dict(DELIVERY, payment_method="test", test_outcome=outcome,
                                              checkout_token=token))


def _lines(member_id):
    return {i.product_id: i.quantity for i in cart.items(member_id)}


def test_a_lost_payment_answer_leaves_an_empty_cart_and_checkout_leads_to_the_order(client, member):
    p = make_product(stock=5)
    cart.add(member.id, p.id, 2)
    token = _token(client)
    resp = _submit(client, token, outcome="timeout")  # charged, answer lost
    order = Order.query.one()
    assert order.status == "pending_payment"
    assert cart.items(member.id) == []  # the order holds the goods; the cart cannot be charged again
    cart.add(member.id, p.id, 2)  # the member puts the same goods back and tries again
    resp = client.get("/checkout")
    assert resp.status_code == 302 and resp.headers["Location"] == f"/orders/{order.order_no}"
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "결제 결과를 기다리는 주문이 있습니다" in page and "결제 확인" in page
    resp = _submit(client, co.issue_token(member.id))  # a form opened before, submitted now
    assert resp.headers["Location"] == f"/orders/{order.order_no}"
    assert Order.query.count() == 1 and TestGatewayCharge.query.count() == 1
    assert db.session.get(Product, p.id).stock == 3 and _lines(member.id) == {p.id: 2}
    # 결제 확인 settles it as paid; the cart the member filled again is theirs, untouched.
    client.post(f"/orders/{order.order_no}/payment/check")
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "paid"
    assert _lines(member.id) == {p.id: 2}
    assert client.get("/checkout").status_code == 200


def test_an_unpaid_order_gives_its_lines_back_to_the_cart(client, member):
    p, q = make_product(stock=5), make_product(stock=5)
    cart.add(member.id, p.id, 2)
    cart.add(member.id, q.id, 1)
    _submit(client, _token(client), outcome="error")  # nothing charged, no answer
    order = Order.query.one()
    assert cart.items(member.id) == []
    cart.add(member.id, q.id, 3)  # added meanwhile: kept, the order's quantity added to it
    client.post(f"/orders/{order.order_no}/payment/check")
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "cancelled"
    assert _lines(member.id) == {p.id: 2, q.id: 4}
    assert db.session.get(Product, p.id).stock == 5 and db.session.get(Product, q.id).stock == 5


def test_the_recovery_job_gives_an_abandoned_orders_lines_back(app):
    member = make_member()
    p = make_product(stock=5)
    cart.add(member.id, p.id, 1)
    result = co.place_order(member, token=co.issue_token(member.id), delivery=dict(DELIVERY),
                            payment_method="test", payment_params={"test_outcome": "error"})
    assert result.outcome == "unknown" and cart.items(member.id) == []
    assert payment_recovery_job()["recovered_payments"] == 0  # too fresh: maybe still on its way
    clock.advance(minutes=31)
    assert payment_recovery_job()["recovered_payments"] == 1
    db.session.expire_all()
    assert db.session.get(Order, result.order.id).status == "cancelled"
    assert _lines(member.id) == {p.id: 1} and db.session.get(Product, p.id).stock == 5
    assert payment_recovery_job()["recovered_payments"] == 0


def test_a_cart_changed_after_the_form_was_read_is_not_ordered(app):
    member = make_member()
    p = make_product(stock=5)
    cart.add(member.id, p.id, 1)
    token = co.issue_token(member.id)
    read = _lines(member.id)
    cart.set_quantity(member.id, p.id, 3)  # another tab, between the read and the take
    assert not cart.take(member.id, read)
    db.session.rollback()
    assert _lines(member.id) == {p.id: 3}
    result = co.place_order(member, token=token, delivery=dict(DELIVERY), payment_method="test")
    assert result.outcome == "paid" and [ln.quantity for ln in result.order.lines] == [3]


def test_two_tabs_checking_out_one_cart_at_once_make_one_order_and_one_charge(app):
    """Two forms (two tokens) of one cart submitted at the same moment: one order, one charge."""
    member = make_member()
    p = make_product(stock=10)
    cart.add(member.id, p.id, 2)
    tokens = [co.issue_token(member.id) for _ in range(4)]
    member_id = member.id

    def submit(token):
        def act():
            from sentem.accounts.models import Member

            return co.place_order(db.session.get(Member, member_id), token=token, delivery=dict(DELIVERY),
                                  payment_method="test").outcome
        return act

    results = race(app, [submit(t) for t in tokens])
    assert errors(results, co.CheckoutError) == []
    assert results.count("paid") == 1
    assert Order.query.count() == 1 and TestGatewayCharge.query.count() == 1
    assert db.session.get(Product, p.id).stock == 8 and cart.items(member.id) == []
