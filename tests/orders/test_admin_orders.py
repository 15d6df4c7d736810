"""Staff screens for orders and refunds: permissions, return received, refund, overdue marking."""
from sentem import clock
from sentem.extensions import db
from sentem.orders import cancellation
from sentem.orders.models import Order
from sentem.orders.services import transition
from tests.admin.builders import make_staff, staff_login
from tests.builders import make_member
from tests.orders.builders import make_paid_order


def _delivered_return(member):
    order = make_paid_order(member)
    for status in ("preparing", "shipped", "delivered"):
        transition(order, status, actor="staff:1")
    db.session.commit()
    cancellation.request_return(order, actor=f"member:{member.id}")
    return order


def test_order_staff_receives_return_and_refunds(client):
    order = _delivered_return(make_member())
    staff = make_staff("order_staff")
    staff_login(client, staff)
    listing = client.get("/admin/orders").get_data(as_text=True)
    assert order.order_no in listing
    page = client.get(f"/admin/orders/{order.order_no}").get_data(as_text=True)
    assert "반품 도착 확인" in page
    resp = client.post(f"/admin/orders/{order.order_no}/return-received", follow_redirects=True)
    assert "환불 기한: 2026-12-02" in resp.get_data(as_text=True)
    clock.advance(days=5)
    staff_login(client, staff)  # the idle timeout signed the staff member out meanwhile
    refunds = client.get("/admin/orders/refunds").get_data(as_text=True)
    assert order.order_no in refunds and "기한 초과" in refunds
    resp = client.post(f"/admin/orders/{order.order_no}/refund", follow_redirects=True)
    assert "환불했습니다" in resp.get_data(as_text=True)
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status == "refunded"
    assert order.events[-1].actor == f"staff:{staff[0].id}"


def test_roles_without_orders_manage_are_refused(client):
    order = _delivered_return(make_member())
    staff_login(client, make_staff("auditor"))
    assert client.get(f"/admin/orders/{order.order_no}").status_code == 200
    assert client.post(f"/admin/orders/{order.order_no}/return-received").status_code == 403
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "return_requested"


def test_shipping_staff_cannot_see_orders(client):
    staff_login(client, make_staff("shipping_staff"))
    assert client.get("/admin/orders").status_code == 403
    assert client.get("/admin/orders/nope").status_code in (403, 404)


def test_failed_cancel_refund_is_retried_by_staff(client, app):
    order = make_paid_order(make_member())
    app.config["SENTEM_TEST_GATEWAY_OUTAGE"] = True  # the payment provider is down during the cancel
    record = cancellation.cancel(order, actor="member:1")
    app.config["SENTEM_TEST_GATEWAY_OUTAGE"] = False
    assert order.status == "cancelled" and record.status == "failed" and record.refund_due_on is not None
    staff_login(client, make_staff("order_staff"))
    page = client.get(f"/admin/orders/{order.order_no}").get_data(as_text=True)
    assert "환불하기" in page
    resp = client.post(f"/admin/orders/{order.order_no}/refund", follow_redirects=True)
    assert "환불했습니다" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Order, order.id).cancellations[0].status == "refunded"
