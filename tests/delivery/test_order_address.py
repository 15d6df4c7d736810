"""The member changes an order's delivery address until it is marked preparing."""
from flask import g

from sentem.delivery import services, shipping
from sentem.delivery.models import ShipmentEvent
from sentem.extensions import db
from tests.builders import login_as, make_member
from tests.delivery.builders import STAFF_ACTOR
from tests.orders.builders import make_paid_order

NEW = {"recipient_name": "이몽룡", "recipient_phone": "031-123-4567", "postcode": "13494",
       "address1": "경기도 성남시 분당구 판교역로 1", "address2": "", "delivery_memo": "경비실에 맡겨 주세요"}


def test_change_before_preparing(client):
    member = make_member()
    order = make_paid_order(member)
    login_as(client, member)
    page = client.get(f"/orders/{order.order_no}/address").get_data(as_text=True)
    assert "테헤란로 123" in page  # the current address, to edit
    resp = client.post(f"/orders/{order.order_no}/address", data=NEW)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/orders/{order.order_no}")
    db.session.expire_all()
    req = services.request_for(order)
    assert (req.recipient_name, req.address1, req.memo) == ("이몽룡", NEW["address1"], "경비실에 맡겨 주세요")
    assert req.address2 is None
    assert "address_changed" in [h["kind"] for h in services.tracking_for(order)["history"]]


def test_refused_after_preparing_and_nothing_written(client):
    member = make_member()
    order = make_paid_order(member)
    shipping.mark_preparing(order.order_no, actor=STAFF_ACTOR)
    login_as(client, member)
    page = client.get(f"/orders/{order.order_no}/address").get_data(as_text=True)
    assert "상품 준비 중' 상태라 배송지를 바꿀 수 없습니다" in page and 'name="address1"' not in page
    resp = client.post(f"/orders/{order.order_no}/address", data=NEW)
    assert resp.status_code == 409 and "배송지를 바꿀 수 없습니다" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert services.request_for(order).recipient_name == "홍길동"
    assert db.session.execute(db.select(ShipmentEvent).filter_by(kind="address_changed")).first() is None


def test_bad_input_keeps_typed_values(client):
    member = make_member()
    order = make_paid_order(member)
    login_as(client, member)
    resp = client.post(f"/orders/{order.order_no}/address",
                       data=dict(NEW, delivery_memo="가" * 5000, postcode="abcde"))
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "200자 이내로 입력해 주세요. (지금 5000자)" in page and "우편번호는 숫자 5자리" in page
    assert "이몽룡" in page
    db.session.expire_all()
    assert services.request_for(order).recipient_name == "홍길동"


def test_other_members_order_is_404(client):
    owner, other = make_member(), make_member()
    order = make_paid_order(owner)
    login_as(client, other)
    g.pop("_login_user", None)
    assert client.get(f"/orders/{order.order_no}/address").status_code == 404
    assert client.post(f"/orders/{order.order_no}/address", data=NEW).status_code == 404
    db.session.expire_all()
    assert services.request_for(order).recipient_name == "홍길동"


def test_anonymous_goes_to_login(client):
    order = make_paid_order(make_member())
    resp = client.get(f"/orders/{order.order_no}/address")
    assert resp.status_code == 302 and "/login?next=" in resp.headers["Location"]


def test_change_to_a_saved_address(client):
    from sentem.delivery import addressbook

    member, other = make_member(), make_member()
    order = make_paid_order(member)
    mine = addressbook.add(member, dict(NEW, label="회사"))
    theirs = addressbook.add(other, dict(NEW, recipient_name="남의집"))
    login_as(client, member)
    assert "이 배송지로 변경" in client.get(f"/orders/{order.order_no}/address").get_data(as_text=True)
    assert client.post(f"/orders/{order.order_no}/address", data={"entry_id": theirs.id}).status_code == 404
    assert client.post(f"/orders/{order.order_no}/address", data={"entry_id": "x"}).status_code == 404
    resp = client.post(f"/orders/{order.order_no}/address", data={"entry_id": mine.id})
    assert resp.status_code == 302
    db.session.expire_all()
    req = services.request_for(order)
    assert (req.recipient_name, req.recipient_phone, req.memo) == ("이몽룡", "031-123-4567", "문 앞에 놓아 주세요")


def test_cancelled_order_refused_in_english(client):
    from sentem.orders import cancellation

    member = make_member()
    order = make_paid_order(member)
    cancellation.cancel(order, actor=f"member:{member.id}")
    login_as(client, member)
    client.set_cookie("lang", "en")
    resp = client.post(f"/orders/{order.order_no}/address", data=NEW)
    assert resp.status_code == 409
    assert "can no longer be changed" in resp.get_data(as_text=True)
