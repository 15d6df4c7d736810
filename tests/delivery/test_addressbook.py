"""The address book pages: several addresses, one default, validation, others' ids → 404."""
from flask import g

from sentem.delivery import addressbook, services
from sentem.delivery.models import AddressBookEntry
from sentem.extensions import db
from tests.builders import login_as, make_member

GOOD = {"label": "집", "recipient_name": "김영희", "recipient_phone": "01098765432", "postcode": "04524",
        "address1": "서울특별시 중구 세종대로 110", "address2": "101호"}


def _count():
    return db.session.execute(db.select(db.func.count()).select_from(AddressBookEntry)).scalar()


def test_anonymous_goes_to_login(client):
    resp = client.get("/me/addresses")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert "next=" in resp.headers["Location"]


def test_add_list_and_default(client):
    m = make_member()
    login_as(client, m)
    resp = client.post("/me/addresses/new", data=GOOD)
    assert resp.status_code == 302
    resp = client.post("/me/addresses/new", data=dict(GOOD, label="회사", recipient_phone="02-123-4567"))
    assert resp.status_code == 302
    page = client.get("/me/addresses").get_data(as_text=True)
    assert "김영희" in page and "010-9876-5432" in page and "02-123-4567" in page
    entries = addressbook.entries(m.id)
    assert [e.is_default for e in entries] == [True, False]
    assert services.default_address(m.id)["label"] == "집"
    client.post(f"/me/addresses/{entries[1].id}/default")
    assert services.default_address(m.id)["label"] == "회사"
    assert sum(e.is_default for e in addressbook.entries(m.id)) == 1


def test_edit_and_delete_moves_default(client):
    m = make_member()
    login_as(client, m)
    client.post("/me/addresses/new", data=GOOD)
    client.post("/me/addresses/new", data=dict(GOOD, label="회사"))
    first, second = addressbook.entries(m.id)
    resp = client.post(f"/me/addresses/{first.id}/edit", data=dict(GOOD, address2="202호"))
    assert resp.status_code == 302
    db.session.expire_all()
    assert addressbook.get(m.id, first.id).address2 == "202호"
    client.post(f"/me/addresses/{first.id}/delete")
    db.session.expire_all()
    left = addressbook.entries(m.id)
    assert [e.id for e in left] == [second.id] and left[0].is_default


def test_validation_messages_keep_input(client):
    m = make_member()
    login_as(client, m)
    bad = dict(GOOD, recipient_phone="123-45", postcode="1234", address1="가" * 101, label="x" * 21)
    resp = client.post("/me/addresses/new", data=bad)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "연락처 형식이 올바르지 않습니다" in page
    assert "우편번호는 숫자 5자리" in page
    assert "100자 이내로 입력해 주세요. (지금 101자)" in page
    assert "20자 이내로 입력해 주세요" in page
    assert "김영희" in page  # what was typed stays
    assert _count() == 0


def test_other_members_address_is_404(client):
    owner, other = make_member(), make_member()
    login_as(client, owner)
    client.post("/me/addresses/new", data=GOOD)
    entry_id = addressbook.entries(owner.id)[0].id
    login_as(client, other)
    g.pop("_login_user", None)  # the test's app context outlives requests; forget the cached user
    assert client.get(f"/me/addresses/{entry_id}/edit").status_code == 404
    assert client.post(f"/me/addresses/{entry_id}/edit", data=GOOD).status_code == 404
    assert client.post(f"/me/addresses/{entry_id}/delete").status_code == 404
    assert client.post(f"/me/addresses/{entry_id}/default").status_code == 404
    assert client.get("/me/addresses/999999/edit").status_code == 404
    db.session.expire_all()
    assert addressbook.entries(owner.id)[0].recipient_name == "김영희"


def test_limit_of_entries(app):
    m = make_member()
    for i in range(addressbook.MAX_ENTRIES):
        addressbook.add(m, dict(GOOD, label=f"곳{i}"))
    try:
        addressbook.add(m, GOOD)
    except services.DeliveryInputError as exc:
        assert "20개까지" in str(exc.errors["label"])
    else:
        raise AssertionError("the 21st address was accepted")
    assert _count() == addressbook.MAX_ENTRIES


def test_english_page_and_messages(client):
    m = make_member()
    login_as(client, m)
    client.set_cookie("lang", "en")
    resp = client.post("/me/addresses/new", data=dict(GOOD, postcode="12"))
    page = resp.get_data(as_text=True)
    assert "Add address" in page and "A postcode is 5 digits" in page


def test_checkout_prefills_the_default_address(client):
    from sentem.shop import cart
    from tests.orders.builders import make_product

    m = make_member()
    addressbook.add(m, GOOD)
    addressbook.add(m, dict(GOOD, label="회사", recipient_name="박회사"), make_default=True)
    cart.add(m.id, make_product().id, 1)
    login_as(client, m)
    page = client.get("/checkout").get_data(as_text=True)
    assert 'value="박회사"' in page and "세종대로 110" in page
