"""The visitor's cart (비회원 장바구니): a random HttpOnly cookie, 14 days, merged at login."""
import datetime as dt

import pytest

from sentem import clock
from sentem.extensions import db
from sentem.privacy.registry import REGISTRY
from sentem.shop import cart, cart_guest
from sentem.shop.cart_models import GuestCart, GuestCartItem
from sentem.shop.models import CartItem
from tests.builders import PASSWORD, make_member
from tests.orders.builders import make_product


def _cookie(resp) -> str:
    return next(h for h in resp.headers.getlist("Set-Cookie") if h.startswith(f"{cart_guest.COOKIE}="))


def _member_lines(member_id):
    return sorted((i.product_id, i.quantity) for i in db.session.execute(
        db.select(CartItem).filter_by(member_id=member_id)).scalars())


def test_a_visitor_adds_sees_changes_and_removes_without_an_account(client):
    p = make_product(title="머그컵", price=8000, stock=10)
    page = client.get(f"/products/{p.id}").get_data(as_text=True)
    assert 'action="/cart/add"' in page and "로그인하고" not in page
    resp = client.post("/cart/add", data={"product_id": p.id, "quantity": "2"})
    assert resp.headers["Location"] == "/cart"
    header = _cookie(resp)
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert f"Max-Age={14 * 86400}" in header and "Secure" not in header  # Secure only in production
    client.post("/cart/add", data={"product_id": p.id, "quantity": "1"})
    assert GuestCart.query.count() == 1  # the cookie names the same cart
    assert "24,000원" in client.get("/cart").get_data(as_text=True)
    client.post("/cart/update", data={"product_id": p.id, "quantity": "5"})
    assert [i.quantity for i in GuestCartItem.query.all()] == [5]
    client.post("/cart/remove", data={"product_id": p.id})
    assert GuestCartItem.query.count() == 0


def test_the_database_never_holds_the_cookie_value(client):
    p = make_product()
    token = _cookie(client.post("/cart/add", data={"product_id": p.id, "quantity": 1})).split(";")[0].split("=", 1)[1]
    assert len(token) >= 40
    assert GuestCart.query.one().token_hash != token


def test_a_refused_first_add_leaves_no_cart_and_no_cookie(client):
    p = make_product(stock=3)
    resp = client.post("/cart/add", data={"product_id": p.id, "quantity": 9}, follow_redirects=True)
    assert "재고가 3개뿐" in resp.get_data(as_text=True)
    assert GuestCart.query.count() == 0 and GuestCartItem.query.count() == 0
    assert not any(h.startswith(cart_guest.COOKIE) for h in resp.history[0].headers.getlist("Set-Cookie"))


def test_another_visitors_cookie_or_a_forged_one_shows_nothing(client, app):
    p = make_product()
    client.post("/cart/add", data={"product_id": p.id, "quantity": 1})
    other = app.test_client()
    assert "장바구니가 비어 있습니다" in other.get("/cart").get_data(as_text=True)
    other.set_cookie(cart_guest.COOKIE, "x" * 43)
    assert "장바구니가 비어 있습니다" in other.get("/cart").get_data(as_text=True)
    other.set_cookie(cart_guest.COOKIE, "' OR 1=1 --")
    assert other.post("/cart/update", data={"product_id": p.id, "quantity": 2}, follow_redirects=True).status_code == 200
    assert [i.quantity for i in GuestCartItem.query.all()] == [1]


def test_the_cart_expires_14_days_after_the_last_add_and_the_job_removes_it(client):
    p = make_product()
    client.post("/cart/add", data={"product_id": p.id, "quantity": 1})
    clock.advance(days=10)
    client.post("/cart/add", data={"product_id": p.id, "quantity": 1})  # renews the 14 days
    clock.advance(days=13)
    assert "장바구니가 비어 있습니다" not in client.get("/cart").get_data(as_text=True)
    clock.advance(days=1, seconds=1)
    assert "장바구니가 비어 있습니다" in client.get("/cart").get_data(as_text=True)
    assert GuestCart.query.count() == 1  # gone for the visitor already; the rows until the job
    assert cart_guest.expire_job() == {"expired_guest_carts": 1}
    assert GuestCart.query.count() == 0 and GuestCartItem.query.count() == 0


def test_expiry_job_is_scheduled(app):
    from sentem.jobs import schedule

    assert "guest-cart-expiry" in {e.name for e in schedule.entries(app)}


def test_the_cookie_is_declared_and_the_policy_lists_it(client):
    cookie = REGISTRY.cookies[cart_guest.COOKIE]
    assert cookie.max_age_days == 14 and cookie.necessary
    assert cart_guest.lifetime() == dt.timedelta(days=14)
    assert cart_guest.COOKIE in client.get("/privacy").get_data(as_text=True)


def test_login_moves_the_visitors_cart_into_the_members_capped_by_stock(client):
    member = make_member()
    mug, cup, gone = make_product(stock=10), make_product(stock=4), make_product(stock=5)
    cart.add(member.id, cup.id, 3)
    for product, qty in ((mug, 2), (cup, 3), (gone, 1)):
        client.post("/cart/add", data={"product_id": product.id, "quantity": qty})
    gone.active = False
    db.session.commit()
    resp = client.post("/login", data={"login_id": member.login_id, "password": PASSWORD})
    assert resp.status_code == 302
    assert any(h.startswith(f"{cart_guest.COOKIE}=;") for h in resp.headers.getlist("Set-Cookie"))  # forgotten
    db.session.expire_all()
    assert _member_lines(member.id) == sorted([(mug.id, 2), (cup.id, 4)])  # 3 + 3 capped at the stock of 4
    assert GuestCart.query.count() == 0 and GuestCartItem.query.count() == 0


def test_an_expired_guest_cart_is_not_merged(client):
    member = make_member()
    p = make_product()
    client.post("/cart/add", data={"product_id": p.id, "quantity": 1})
    clock.advance(days=15)
    client.post("/login", data={"login_id": member.login_id, "password": PASSWORD})
    assert _member_lines(member.id) == []


@pytest.mark.parametrize("origin,ok", [("http://localhost", True), ("https://evil.example", False), (None, False)])
def test_with_csrf_on_a_visitors_add_must_come_from_the_shop(app, origin, ok):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    p = make_product()
    headers = {"Origin": origin} if origin else {}
    resp = client.post("/cart/add", data={"product_id": p.id, "quantity": 1}, headers=headers)
    assert (resp.status_code == 302) is ok
    assert GuestCartItem.query.count() == (1 if ok else 0)
    if not ok:
        assert resp.status_code == 400


def test_with_csrf_on_a_members_add_still_needs_the_token(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    member = make_member()
    from tests.builders import login_as

    login_as(client, member)
    p = make_product()
    resp = client.post("/cart/add", data={"product_id": p.id, "quantity": 1}, headers={"Origin": "http://localhost"})
    assert resp.status_code == 400 and _member_lines(member.id) == []
