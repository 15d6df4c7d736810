"""Guest checkout (비회원 주문): orderer, order password, consent from the registry, sealed data."""
import pytest

from sentem.extensions import db
from sentem.orders import guest
from sentem.orders.guest_models import GuestOrder
from sentem.orders.models import Order
from sentem.privacy.registry import REGISTRY
from sentem.security.keystore import DataKey
from sentem.shop.cart_models import GuestCartItem
from tests.guest.builders import ORDER_PASSWORD, ORDERER, checkout_token, fill_cart, guest_form, order_as_guest
from tests.orders.builders import make_product


def test_a_visitor_checks_out_with_consent_and_lands_on_the_order(client):
    mug = make_product(title="손님 머그", price=12000, stock=5)
    fill_cart(client, (mug, 2))
    page = client.get("/checkout").get_data(as_text=True)
    for field in ("orderer_name", "orderer_phone", "orderer_email", "order_password", "order_password_confirm",
                  "consent_guest_privacy", "recipient_name", "payment_method"):
        assert f'name="{field}"' in page
    rc = REGISTRY.record_classes["guest_order"]
    assert rc.label_ko in page and "5년" in page and "5일 이내 파기" in page
    assert "거부하면 비회원 주문을 할 수 없습니다" in page
    assert REGISTRY.items["guest_orderer_email"].label_ko in page

    resp = client.post("/checkout", data=guest_form(checkout_token(client)))
    order = Order.query.one()
    assert resp.status_code == 302 and resp.headers["Location"] == f"/guest/orders/{order.order_no}"
    assert order.member_id is None and order.status == "paid" and order.total_amount == 27000
    shown = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert order.order_no in shown and "결제 완료" in shown and "주문 취소" in shown
    assert ORDERER["orderer_name"] not in shown  # masked, as staff see it
    assert GuestCartItem.query.count() == 0 and mug.stock == 3


def test_guest_data_is_sealed_under_the_orders_own_key_and_the_password_hashed(client):
    order_as_guest(client, (make_product(), 1))
    order, row = Order.query.one(), GuestOrder.query.one()
    key = db.session.get(DataKey, order.data_key_id)
    assert key is not None and key.kind == "guest_order" and row.data_key_id == order.data_key_id
    assert row.orderer_email == ORDERER["orderer_email"] and row.orderer_phone == "010-9876-5432"
    assert ORDERER["orderer_email"] not in (row.orderer_email_ct or "")
    assert row.password_hash.startswith("$argon2id$") and ORDER_PASSWORD not in row.password_hash
    assert row.policy_version is not None or row.consented_at is not None
    from sentem.delivery.models import DeliveryRequest

    assert DeliveryRequest.query.one().data_key_id == order.data_key_id


@pytest.mark.parametrize("over,field,message", [
    ({"consent_guest_privacy": None}, "consent_guest_privacy", "동의해야 주문할 수 있습니다"),
    ({"order_password": "12345", "order_password_confirm": "12345"}, "order_password", "6자 이상"),
    ({"order_password_confirm": "different-1"}, "order_password_confirm", "서로 다릅니다"),
    ({"orderer_email": "not-an-email"}, "orderer_email", "올바른 이메일"),
    ({"orderer_phone": "12"}, "orderer_phone", "010-1234-5678 형식"),
    ({"orderer_name": ""}, "orderer_name", "이름을 입력해 주세요"),
    ({"recipient_name": ""}, "recipient_name", ""),
])
def test_bad_input_is_refused_field_by_field_and_nothing_is_written(client, over, field, message):
    product = make_product(stock=3)
    resp = order_as_guest(client, (product, 1), **over)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and f'id="{field}-error"' in html and message in html
    assert Order.query.count() == 0 and GuestOrder.query.count() == 0 and DataKey.query.filter_by(
        kind="guest_order").count() == 0
    assert GuestCartItem.query.count() == 1 and product.stock == 3
    assert "guest-pw-77" not in html  # a password is never sent back


def test_the_same_form_twice_makes_one_order(client):
    fill_cart(client, (make_product(), 1))
    form = guest_form(checkout_token(client))
    first, second = client.post("/checkout", data=form), client.post("/checkout", data=form)
    assert Order.query.count() == 1 == GuestOrder.query.count()
    assert second.headers["Location"] == first.headers["Location"]


def test_a_declined_payment_puts_the_goods_back_in_the_visitors_cart(client):
    product = make_product(stock=5)
    resp = order_as_guest(client, (product, 2), test_outcome="decline")
    assert resp.headers["Location"] == "/cart"
    assert [i.quantity for i in GuestCartItem.query.all()] == [2]
    assert Order.query.one().status == "cancelled"


def test_an_empty_visitor_cart_cannot_check_out(client):
    assert client.get("/checkout").headers["Location"] == "/cart"


def test_the_policy_page_lists_the_guest_record_class_and_items(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert REGISTRY.record_classes["guest_order"].label_ko in page
    for key in ("guest_orderer_name", "guest_orderer_phone", "guest_orderer_email"):
        assert REGISTRY.items[key].label_ko in page


def test_lookup_with_the_right_password_only(client, app):
    order_as_guest(client, (make_product(), 1))
    order_no = Order.query.one().order_no
    other = app.test_client()
    assert other.get(f"/guest/orders/{order_no}").status_code == 404  # not opened in this session
    wrong = other.post("/guest/orders", data={"order_no": order_no, "order_password": "nope-nope"})
    assert wrong.status_code == 401 and guest.WRONG in wrong.get_data(as_text=True)
    unknown = other.post("/guest/orders", data={"order_no": "20260101-XXXXXX", "order_password": ORDER_PASSWORD})
    assert unknown.status_code == 401 and guest.WRONG in unknown.get_data(as_text=True)
    right = other.post("/guest/orders", data={"order_no": order_no, "order_password": ORDER_PASSWORD})
    assert right.headers["Location"] == f"/guest/orders/{order_no}"
    assert order_no in other.get(f"/guest/orders/{order_no}").get_data(as_text=True)


def test_five_wrong_passwords_lock_the_order_for_ten_minutes_and_are_logged(client, app, caplog):
    from sentem import clock

    order_as_guest(client, (make_product(), 1))
    order_no = Order.query.one().order_no
    other = app.test_client()
    for _ in range(guest.MAX_FAILURES):
        other.post("/guest/orders", data={"order_no": order_no, "order_password": "wrong-guess"})
    assert sum("wrong password" in r.getMessage() and order_no in r.getMessage() for r in caplog.records) == 5
    locked = other.post("/guest/orders", data={"order_no": order_no, "order_password": ORDER_PASSWORD})
    assert locked.status_code == 401 and "10분 동안" in locked.get_data(as_text=True)
    clock.advance(minutes=10, seconds=1)
    ok = other.post("/guest/orders", data={"order_no": order_no, "order_password": ORDER_PASSWORD})
    assert ok.status_code == 302


def test_a_guest_cancels_under_the_members_rules_and_is_refunded(client):
    product = make_product(stock=5)
    resp = order_as_guest(client, (product, 2))
    page = resp.headers["Location"]
    order_no = page.rsplit("/", 1)[1]
    done = client.post(f"/guest/orders/{order_no}/cancel", data={"reason": "change_of_mind"}, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "환불했습니다" in html and "주문 취소" in html
    order = Order.query.one()
    assert order.status == "refunded" or order.status == "cancelled"
    assert product.stock == 5
    assert client.post(f"/guest/orders/{order_no}/cancel", data={}).status_code == 302  # refused politely


def test_a_members_order_is_never_reachable_as_a_guest_order(client, app):
    from tests.builders import make_member
    from tests.orders.builders import checkout

    member = make_member()
    result = checkout(member, [(make_product(), 1)])
    resp = client.post("/guest/orders", data={"order_no": result.order.order_no, "order_password": "anything"})
    assert resp.status_code == 401


def test_the_guest_pages_speak_english_when_switched(client):
    client.set_cookie("lang", "en")
    fill_cart(client, (make_product(), 1))
    page = client.get("/checkout").get_data(as_text=True)
    assert "Orderer's name" in page and "Right to refuse" in page and "destroyed within 5 days" in page
    wrong = client.post("/guest/orders", data={"order_no": "20260101-XXXXXX", "order_password": "whatever"})
    assert "The order number or order password is not correct." in wrong.get_data(as_text=True)
    refused = client.post("/checkout", data=guest_form(checkout_token(client), order_password="12345",
                                                       order_password_confirm="12345"))
    assert "Use at least 6 characters for the order password." in refused.get_data(as_text=True)


def test_the_orderer_is_mailed_the_order_number_and_where_to_look_it_up(client):
    from sentem.notify import outbox

    order_as_guest(client, (make_product(), 1))
    order = Order.query.one()
    mails = outbox.messages(to=ORDERER["orderer_email"])
    assert len(mails) == 1 and order.order_no in mails[0]["body"] and "/guest/orders" in mails[0]["body"]
    assert ORDER_PASSWORD not in mails[0]["body"]
