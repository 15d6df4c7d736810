"""Staff see guest orders in the order and shipping screens like members' orders: masked, as 비회원."""
from sentem.extensions import db
from sentem.orders.models import Order
from sentem.orders.services import transition
from tests.admin.builders import make_staff, staff_login
from tests.guest.builders import ORDERER, order_as_guest
from tests.orders.builders import DELIVERY, make_product


def _guest_order(app) -> Order:
    order_as_guest(app.test_client(), (make_product(title="비회원 상품"), 1))
    return Order.query.one()


def test_order_staff_see_a_guest_order_as_비회원_without_personal_data(app, client):
    order = _guest_order(app)
    staff_login(client, make_staff("order_staff"))
    listing = client.get("/admin/orders").get_data(as_text=True)
    assert order.order_no in listing and "비회원" in listing
    page = client.get(f"/admin/orders/{order.order_no}").get_data(as_text=True)
    assert "비회원 주문" in page
    for value in (*ORDERER.values(), DELIVERY["recipient_name"], DELIVERY["address1"]):
        assert value not in listing and value not in page


def test_shipping_staff_ship_a_guest_order_with_the_recipient_masked(app, client):
    order = _guest_order(app)
    transition(order, "preparing", actor="staff:1")
    db.session.commit()
    staff_login(client, make_staff("shipping_staff"))
    listing = client.get("/admin/shipping").get_data(as_text=True)
    assert order.order_no in listing and "비회원" in listing
    assert DELIVERY["recipient_name"] not in listing and "홍*동" in listing
    page = client.get(f"/admin/shipping/{order.order_no}").get_data(as_text=True)
    assert page.count(order.order_no) >= 1


def test_the_guest_is_told_when_the_order_ships(app, client):
    from sentem.delivery import shipping
    from sentem.notify import outbox

    order = _guest_order(app)
    transition(order, "preparing", actor="staff:1")
    db.session.commit()
    shipping.mark_shipped(order.order_no, "cj", "123456789012", actor="staff:1")
    db.session.commit()
    sms = outbox.messages(channel="sms", to="010-9876-5432")
    assert any(order.order_no in m["body"] and "123456789012" in m["body"] for m in sms)
    mails = outbox.messages(to=ORDERER["orderer_email"])
    assert any("/guest/orders" in m["body"] and "발송" in m["subject"] for m in mails)
