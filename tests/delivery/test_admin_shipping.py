"""Staff shipping screens: permissions, masking, access log, actions, bulk and slips."""
from flask import g

from sentem import clock
from sentem.extensions import db
from sentem.privacy.access_log import AccessLogEntry
from tests.admin.builders import make_staff, staff_login
from tests.builders import make_member
from tests.delivery.builders import deliver
from tests.orders.builders import make_paid_order


def _views(order_no):
    return db.session.execute(db.select(AccessLogEntry).filter_by(action="shipping.view", detail=order_no)
                              ).scalars().all()


def _signed_in(client, role):
    staff = make_staff(role)
    g.pop("current_staff", None)
    staff_login(client, staff)
    g.pop("current_staff", None)
    return staff[0]


def test_list_is_masked_and_detail_is_logged(client):
    member = make_member()
    order = make_paid_order(member)
    staff = _signed_in(client, "shipping_staff")
    page = client.get("/admin/shipping").get_data(as_text=True)
    assert order.order_no in page and "홍*동" in page
    assert "테헤란로" not in page and "010-1234-5678" not in page
    assert _views(order.order_no) == []
    page = client.get(f"/admin/shipping/{order.order_no}").get_data(as_text=True)
    assert "홍길동" in page and "010-1234-5678" in page and "테헤란로 123" in page
    rows = _views(order.order_no)
    assert len(rows) == 1 and rows[0].staff_id == staff.id and rows[0].member_id == member.id


def test_masked_after_the_window(client):
    order = make_paid_order(make_member())
    deliver(order)
    _signed_in(client, "shipping_staff")
    assert "테헤란로 123" in client.get(f"/admin/shipping/{order.order_no}").get_data(as_text=True)
    clock.advance(days=8)
    _signed_in(client, "shipping_staff")  # the first session has gone idle meanwhile
    page = client.get(f"/admin/shipping/{order.order_no}").get_data(as_text=True)
    assert "테헤란로 123" not in page and "010-1234-5678" not in page and "홍*동" in page
    assert "recipient-masked" in page
    slip = client.get(f"/admin/shipping/slips?order_no={order.order_no}").get_data(as_text=True)
    assert "테헤란로 123" not in slip
    assert len(_views(order.order_no)) == 1  # only the unmasked view was logged


def test_roles_without_shipping_are_refused(client):
    order = make_paid_order(make_member())
    _signed_in(client, "auditor")
    assert client.get("/admin/shipping").status_code == 403
    assert client.get(f"/admin/shipping/{order.order_no}").status_code == 403
    assert client.post(f"/admin/shipping/{order.order_no}/preparing").status_code == 403
    db.session.expire_all()
    assert order.status == "paid"


def test_member_session_is_not_staff(client):
    from tests.builders import login_as

    order = make_paid_order(make_member())
    login_as(client, make_member())
    assert client.get(f"/admin/shipping/{order.order_no}").status_code == 403


def test_actions_through_the_screens(client):
    order = make_paid_order(make_member())
    _signed_in(client, "shipping_staff")
    base = f"/admin/shipping/{order.order_no}"
    assert client.post(f"{base}/preparing").status_code == 302
    resp = client.post(f"{base}/shipped", data={"carrier": "cj", "tracking_no": "12"})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "CJ대한통운 송장번호는 숫자 10~12자리" in page and 'value="12"' in page
    resp = client.post(f"{base}/shipped", data={"carrier": "unknown", "tracking_no": "1234567890"})
    assert resp.status_code == 400 and "알 수 없는 택배사" in resp.get_data(as_text=True)
    assert client.post(f"{base}/shipped", data={"carrier": "cj", "tracking_no": "1234567890"}).status_code == 302
    assert client.post(f"{base}/failed", data={"reason": "refused"}).status_code == 302
    resp = client.post(f"{base}/delivered")
    assert resp.status_code == 400 and "재발송을 먼저" in resp.get_data(as_text=True)
    assert client.post(f"{base}/resend", data={"carrier": "lotte", "tracking_no": "111122223333"}).status_code == 302
    assert client.post(f"{base}/delivered").status_code == 302
    db.session.expire_all()
    assert order.status == "delivered"
    assert client.post(f"{base}/explode").status_code == 404
    assert client.get("/admin/shipping/NO-SUCH").status_code == 404


def test_bulk_and_slips(client):
    member = make_member()
    a, b = make_paid_order(member), make_paid_order(member)
    _signed_in(client, "shipping_staff")
    resp = client.post("/admin/shipping/bulk", data={"action": "shipped", "carrier": "cj",
                                                      "order_no": [a.order_no, b.order_no],
                                                      f"tracking-{a.order_no}": "1234567890",
                                                      f"tracking-{b.order_no}": "x"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "2건 중 1건 처리" in page
    db.session.expire_all()
    assert (a.status, b.status) == ("shipped", "paid")
    slips = client.get(f"/admin/shipping/slips?order_no={a.order_no}&order_no={b.order_no}")
    text = slips.get_data(as_text=True)
    assert slips.status_code == 200 and text.count("packing-slip") >= 2 and "테헤란로 123" in text
    assert len(_views(a.order_no)) == 1 and len(_views(b.order_no)) == 1
    assert client.post("/admin/shipping/bulk", data={"action": "shipped"}).status_code == 302
