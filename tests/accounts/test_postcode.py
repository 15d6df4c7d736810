"""우편번호 is checked as 5 digits wherever a postcode is entered (signup, 회원 정보 정정,
배송지 관리, checkout, an order's delivery address), with a clear Korean message and
nothing written; the field says what it wants before anyone gets it wrong."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from sentem.accounts.models import Member
from sentem.delivery import services
from sentem.extensions import db
from tests.accounts.builders import signup_form
from tests.builders import login_as, make_member
from tests.orders.builders import make_paid_order, make_product

BAD = ("1234", "123456", "12a45", "서울 06236")
ADDRESS = {"recipient_name": "김영희", "recipient_phone": "01098765432", "address1": "서울특별시 중구 세종대로 110",
           "address2": "101호"}


def _says_five_digits(html: str) -> bool:
    return bool(re.search(r'class="field-error"[^>]*>[^<]*우편번호는 숫자 5자리', html))


@pytest.mark.parametrize("postcode", BAD)
def test_signup_refuses_a_postcode_that_is_not_5_digits(client, postcode):
    resp = client.post("/signup", data=signup_form(postcode=postcode))
    assert resp.status_code == 422 and _says_five_digits(resp.get_data(as_text=True))
    assert db.session.execute(select(func.count(Member.id))).scalar_one() == 0


def test_every_address_form_refuses_it_and_keeps_what_was_there(client):
    member = make_member(postcode="06236")
    order = make_paid_order(member)
    login_as(client, member)
    for path in ("/me/edit", "/me/addresses/new", f"/orders/{order.order_no}/address"):
        assert "숫자 5자리" in client.get(path).get_data(as_text=True), path  # the hint, before any mistake

    for postcode in BAD:
        html = client.post("/me/edit", data={"postcode": postcode}).get_data(as_text=True)
        assert _says_five_digits(html), postcode
        resp = client.post("/me/addresses/new", data=dict(ADDRESS, label="집", postcode=postcode))
        assert resp.status_code in (200, 400, 422) and _says_five_digits(resp.get_data(as_text=True))
        resp = client.post(f"/orders/{order.order_no}/address", data=dict(ADDRESS, postcode=postcode))
        assert resp.status_code in (200, 400, 422) and _says_five_digits(resp.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Member, member.id).postcode == "06236"
    assert services.request_for(order).postcode == "06236"
    assert client.get("/me/addresses").get_data(as_text=True).count("세종대로") == 0


def test_checkout_refuses_it_and_takes_no_order(client):
    member = make_member()
    login_as(client, member)
    client.post("/cart/add", data={"product_id": make_product().id, "quantity": 1})
    html = client.get("/checkout").get_data(as_text=True)
    token = re.search(r'name="checkout_token" value="([^"]+)"', html).group(1)
    resp = client.post("/checkout", data=dict(ADDRESS, checkout_token=token, postcode="1234", payment_method="test",
                                              test_outcome="approve"))
    assert resp.status_code in (200, 400, 422) and _says_five_digits(resp.get_data(as_text=True))
    assert "주문 상품" in client.get("/checkout").get_data(as_text=True)  # the cart is still there
