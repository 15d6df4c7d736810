"""A guest's rights about their order: a copy at once, deletion where the law allows, else staff."""
import json

from sentem.extensions import db
from sentem.orders.guest_models import GuestOrder, GuestRequest
from sentem.orders.models import Order
from sentem.privacy.retention.models import DestructionLedger
from sentem.security.keystore import DataKey
from tests.admin.builders import make_staff, staff_login
from tests.guest.builders import ORDERER, order_as_guest
from tests.orders.builders import DELIVERY, make_product


def _placed(client, **over) -> str:
    return order_as_guest(client, (make_product(), 1), **over).headers["Location"]


def test_the_guest_downloads_a_copy_of_everything_held_about_the_order(client, app):
    page = _placed(client)
    order_no = page.rsplit("/", 1)[1]
    resp = client.get(f"{page}/export.json")
    assert resp.headers["Cache-Control"] == "no-store" and "attachment" in resp.headers["Content-Disposition"]
    text = resp.get_data(as_text=True)
    data = json.loads(text)
    assert data["주문"]["주문번호"] == order_no
    for value in (*ORDERER.values(), DELIVERY["recipient_name"], DELIVERY["address1"]):
        assert value in text
    assert GuestRequest.query.filter_by(kind="access", outcome="done").count() == 1
    assert app.test_client().get(f"{page}/export.json").status_code == 404  # only the guest's session


def test_deletion_of_a_paid_order_waits_for_staff_who_refuse_with_the_legal_basis(client, app):
    page = _placed(client)
    resp = client.post(f"{page}/deletion", follow_redirects=True)
    assert "삭제 요청을 접수했습니다" in resp.get_data(as_text=True)
    assert "이미 접수된 삭제 요청" in client.post(f"{page}/deletion", follow_redirects=True).get_data(as_text=True)
    req = GuestRequest.query.filter_by(kind="deletion").one()
    assert req.status == "received" and GuestOrder.query.count() == 1

    staff = app.test_client()
    staff_login(staff, make_staff("privacy_officer"))
    queue = staff.get("/admin/rights").get_data(as_text=True)
    assert req.order_no in queue and "비회원 주문의 삭제 요청" in queue
    refused = staff.post(f"/admin/rights/guest/{req.id}", data={"outcome": "refused", "legal_basis": ""})
    assert refused.status_code == 400 and "법적 근거" in refused.get_data(as_text=True)
    staff.post(f"/admin/rights/guest/{req.id}", data={"outcome": "refused", "legal_basis": "전자상거래법 시행령 제6조"})
    db.session.expire_all()
    assert req.outcome == "refused" and GuestOrder.query.count() == 1
    assert "전자상거래법 시행령 제6조" in client.get(page).get_data(as_text=True)


def test_staff_may_grant_a_deletion_which_destroys_the_orderer_and_the_key(client, app):
    page = _placed(client)
    client.post(f"{page}/deletion")
    req = GuestRequest.query.one()
    key_id = Order.query.one().data_key_id
    staff = app.test_client()
    staff_login(staff, make_staff("privacy_officer"))
    staff.post(f"/admin/rights/guest/{req.id}", data={"outcome": "done"})
    db.session.expire_all()
    assert GuestOrder.query.count() == 0 and db.session.get(DataKey, key_id) is None
    assert DestructionLedger.query.filter_by(record_class="guest_order", action="key_shred").count() == 1


def test_an_order_never_paid_is_deleted_at_once(client):
    page = _placed(client, test_outcome="decline")
    assert page == "/cart"
    order = Order.query.one()
    assert order.status == "cancelled"
    from sentem.orders import guest_requests

    req = guest_requests.request_deletion(order)
    assert req.outcome == "done" and GuestOrder.query.count() == 0
