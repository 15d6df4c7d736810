"""The order page as its owner reads it, the confirmation step of cancel and return, and a
declined payment shown as 결제 실패 and left out of the staff dashboard's order count."""
from __future__ import annotations

from sentem.admin import dashboard_data
from sentem.extensions import db
from sentem.orders import cancellation
from sentem.orders.models import Cancellation, Order
from sentem.orders.services import transition
from tests.admin.builders import make_staff, staff_login
from tests.builders import login_as, make_member
from tests.myinfo.pagetext import visible
from tests.orders.builders import DELIVERY, checkout, make_paid_order, make_product


def _deliver(order):
    for status in ("preparing", "shipped", "delivered"):
        transition(order, status, actor="staff:1")
    db.session.commit()


def test_owner_sees_recipient_payment_and_amounts(client):
    member = make_member()
    order = make_paid_order(member, quantity=2, price=12300)
    login_as(client, member)
    text = visible(client.get(f"/orders/{order.order_no}").get_data(as_text=True))
    assert DELIVERY["recipient_name"] in text
    assert DELIVERY["recipient_phone"] in text  # the owner sees the phone in full
    assert f"({DELIVERY['postcode']}) {DELIVERY['address1']} {DELIVERY['address2']}" in text
    assert DELIVERY["delivery_memo"] in text
    assert "결제 수단 테스트 결제" in text and "승인 일시" in text
    assert "상품 합계 24,600원" in text and "배송비 3,000원" in text and "결제 금액" in text and "27,600원" in text
    receipt = visible(client.get(f"/orders/{order.order_no}/receipt").get_data(as_text=True))
    assert "결제 수단 테스트 결제" in receipt and "test (T" not in receipt


def test_cancel_goes_through_a_confirmation_with_the_reason(client):
    member = make_member()
    order = make_paid_order(member, price=12000)
    login_as(client, member)
    detail = client.get(f"/orders/{order.order_no}").get_data(as_text=True)
    assert f'href="/orders/{order.order_no}/cancel"' in detail
    assert f'action="/orders/{order.order_no}/cancel"' not in detail  # no one-click cancel on the order page
    confirm = client.get(f"/orders/{order.order_no}/cancel")
    text = visible(confirm.get_data(as_text=True))
    assert confirm.status_code == 200 and "주문 취소 확인" in text and "15,000원을 결제하신 수단으로 바로 환불" in text
    assert 'name="reason"' in confirm.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "paid"  # looking at the confirmation changes nothing
    resp = client.post(f"/orders/{order.order_no}/cancel", data={"reason": "defective"}, follow_redirects=True)
    assert "15,000원을 환불했습니다" in resp.get_data(as_text=True)
    assert Cancellation.query.one().reason_code == "defective"
    # Once cancelled, the confirmation page is not offered again.
    again = client.get(f"/orders/{order.order_no}/cancel")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/orders/{order.order_no}")


def test_return_goes_through_a_confirmation(client):
    member = make_member()
    order = make_paid_order(member)
    login_as(client, member)
    assert client.get(f"/orders/{order.order_no}/return").status_code == 302  # not delivered yet
    _deliver(order)
    detail = client.get(f"/orders/{order.order_no}").get_data(as_text=True)
    assert f'href="/orders/{order.order_no}/return"' in detail
    text = visible(client.get(f"/orders/{order.order_no}/return").get_data(as_text=True))
    assert "반품(청약철회) 신청 확인" in text and "환불 예정 금액: 15,000원" in text
    client.post(f"/orders/{order.order_no}/return", data={"reason": "wrong_item"})
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "return_requested"


def test_someone_elses_confirmation_page_is_404(client):
    order = make_paid_order(make_member())
    login_as(client, make_member())
    assert client.get(f"/orders/{order.order_no}/cancel").status_code == 404
    assert client.get(f"/orders/{order.order_no}/return").status_code == 404


def test_declined_payment_reads_payment_failed_not_cancelled(client):
    member = make_member()
    declined = checkout(member, [(make_product(), 1)], outcome="decline").order
    login_as(client, member)
    listing = visible(client.get("/orders").get_data(as_text=True))
    assert "결제 실패" in listing and "주문 취소" not in listing
    page = visible(client.get(f"/orders/{declined.order_no}").get_data(as_text=True))
    assert "상태: 결제 실패" in page and "결제 상태 결제 거절" in page
    # Not among the 취소/반품 either: nobody cancelled it.
    assert declined.order_no not in client.get("/orders?status=cancelled").get_data(as_text=True)


def test_failed_payments_are_not_counted_on_the_dashboard(client):
    member = make_member()
    make_paid_order(member)
    checkout(member, [(make_product(), 1)], outcome="decline")
    cancelled = make_paid_order(member)  # a cancel after payment still counts: it was an order
    cancellation.cancel(cancelled, actor=f"member:{member.id}")
    assert sum(v for _label, v in dashboard_data.orders_per_day().bars) == 2
    staff_login(client, make_staff("privacy_officer"))
    page = visible(client.get("/admin/orders").get_data(as_text=True))
    assert "결제 실패" in page
