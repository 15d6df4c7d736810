"""Catalog pages for members from the page cache: each member gets the page with the signed-in
header and the session's own CSRF token; changes, flashed messages and logout show at once."""
import datetime
import re

import pytest

from sentem.shop import pagecache
from tests.builders import PASSWORD, make_member
from tests.orders.builders import make_product

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}  # the tokens the cache puts in must pass the real check


def _get(app, client, path):
    # A fresh app context per request, as in a server: the fixture's context (and its g,
    # where Flask-WTF keeps the request's token) would otherwise carry over between clients.
    with app.app_context():
        resp = client.get(path)
        return resp.status_code, resp.get_data(as_text=True)


def _post(app, client, path, data):
    with app.app_context():
        return client.post(path, data=data)


def _logged_in(app, member):
    client = app.test_client()
    _, html = _get(app, client, "/login")
    resp = _post(app, client, "/login", {"login_id": member.login_id, "password": PASSWORD,
                                         "csrf_token": TOKEN.search(html).group(1)})
    assert resp.status_code == 302
    return client


def _member_entries(app):
    return [key for key in pagecache._store(app) if key[-1] is True]


def test_two_members_alternating_each_get_their_own_valid_token(app):
    p = make_product(title="공유 머그", stock=10)
    first, second = (_logged_in(app, make_member()) for _ in range(2))
    pages = {}
    for _ in range(2):
        for client in (first, second):
            status, html = _get(app, client, f"/products/{p.id}")
            assert status == 200 and 'action="/logout"' in html and "장바구니에 담기" in html
            pages.setdefault(client, []).append(html)
    assert _member_entries(app), "the member page is served from the cache"
    tokens = {client: {t for html in htmls for t in TOKEN.findall(html)} for client, htmls in pages.items()}
    assert not tokens[first] & tokens[second]  # never the other member's token
    # The pages are the same page but for the token.
    assert TOKEN.sub("", pages[first][1]) == TOKEN.sub("", pages[second][1])
    # Each member's token is valid for that member's session, and only for it.
    other = next(iter(tokens[second]))
    refused = _post(app, first, "/cart/add", {"product_id": p.id, "quantity": 1, "csrf_token": other})
    assert refused.status_code == 400
    for client in (first, second):
        token = TOKEN.search(pages[client][1]).group(1)
        added = _post(app, client, "/cart/add", {"product_id": p.id, "quantity": 1, "csrf_token": token})
        assert added.status_code == 302 and added.headers["Location"].endswith("/cart")
        _, cart_html = _get(app, client, "/cart")
        assert "공유 머그" in cart_html and "장바구니에 담았습니다" in cart_html


def test_member_pages_show_changes_messages_and_logout_at_once(app):
    from sentem.extensions import db

    p = make_product(title="변하는 머그", price=10000, stock=3)
    client = _logged_in(app, make_member())
    for path in ("/", "/products", f"/products/{p.id}"):
        _get(app, client, path)
    assert "10,000원" in _get(app, client, f"/products/{p.id}")[1]
    p.price = 12000
    db.session.commit()
    assert "12,000원" in _get(app, client, f"/products/{p.id}")[1]
    assert "12,000원" in _get(app, client, "/products")[1]
    # A refused add comes back to the product page with its message, once.
    token = TOKEN.search(_get(app, client, f"/products/{p.id}")[1]).group(1)
    resp = _post(app, client, "/cart/add", {"product_id": p.id, "quantity": 50, "csrf_token": token})
    assert resp.status_code == 302
    with_message = _get(app, client, f"/products/{p.id}")[1]
    assert 'class="flash flash-error"' in with_message
    assert 'class="flash' not in _get(app, client, f"/products/{p.id}")[1]
    # After logout the same URLs show the visitor's header.
    token = TOKEN.search(_get(app, client, "/")[1]).group(1)
    assert _post(app, client, "/logout", {"csrf_token": token}).status_code == 302
    for path in ("/", "/products", f"/products/{p.id}"):
        html = _get(app, client, path)[1]
        assert 'href="/login"' in html and 'action="/logout"' not in html and 'name="csrf_token"' not in html


def test_member_pages_keep_the_signed_in_headers(app):
    p = make_product(title="헤더 머그")
    client = _logged_in(app, make_member())
    with app.app_context():
        first = client.get(f"/products/{p.id}")
    with app.app_context():
        again = client.get(f"/products/{p.id}")
    assert _member_entries(app)
    for name in ("Content-Security-Policy", "X-Frame-Options", "Cache-Control", "Content-Type"):
        assert again.headers[name] == first.headers[name]
    assert again.headers["Cache-Control"] == "no-store"


def _wsgi_entries(app):
    return [key for key in pagecache._store(app) if key[0] == "wsgi-member"]


def test_member_pages_before_flask_follow_logout_elsewhere_withdrawal_and_stolen_cookies(app):
    """The layer in front of Flask (``web.member_pages``) serves members' pages only while the
    session check passes: ended elsewhere, another browser with the cookie, a withdrawn member
    — each sees the visitor's page at once."""
    from sentem.accounts import sessions
    from sentem.extensions import db

    p = make_product(title="앞단 머그")
    member = make_member()
    client = _logged_in(app, member)
    for _ in range(3):
        status, html = _get(app, client, f"/products/{p.id}")
        assert status == 200 and 'action="/logout"' in html
    assert _wsgi_entries(app), "served before Flask"
    # The same cookie from another browser (Flask-Login's strong protection): not the member's page.
    thief = app.test_client()
    for cookie in client._cookies.values():
        thief.set_cookie(cookie.key, cookie.value)
    with app.app_context():
        stolen = thief.get(f"/products/{p.id}", headers={"User-Agent": "Other/1.0"}).get_data(as_text=True)
    assert 'action="/logout"' not in stolen and 'name="csrf_token"' not in stolen
    # Ended from another device (or by staff, a password change, a withdrawal): gone at once.
    client = _logged_in(app, member)
    assert 'action="/logout"' in _get(app, client, "/products")[1]
    assert 'action="/logout"' in _get(app, client, "/products")[1]
    sessions.end_member_sessions(member.id)
    db.session.commit()
    assert 'action="/logout"' not in _get(app, client, "/products")[1]
    # A withdrawn member's live session shows nothing of a member either.
    client = _logged_in(app, member)
    assert 'action="/logout"' in _get(app, client, "/")[1]
    assert 'action="/logout"' in _get(app, client, "/")[1]
    member.status = "withdrawn"
    db.session.commit()
    assert 'action="/logout"' not in _get(app, client, "/")[1]


def test_member_pages_before_flask_after_a_quiet_minute_let_flask_write_last_used(app):
    from sentem import clock
    from sentem.accounts import sessions

    p = make_product(title="시간 머그")
    member = make_member()
    client = _logged_in(app, member)
    for _ in range(2):
        _get(app, client, f"/products/{p.id}")
    before = sessions.active(member.id)[0].last_seen_at
    clock.freeze(clock.now() + datetime.timedelta(minutes=5))
    assert 'action="/logout"' in _get(app, client, f"/products/{p.id}")[1]
    assert sessions.active(member.id)[0].last_seen_at > before  # the page went through Flask


@pytest.mark.parametrize("headers,remote", [
    ({"User-Agent": "Mozilla/5.0 (한글 브라우저)"}, "203.0.113.7"),
    ({"User-Agent": "A", "X-Forwarded-For": "198.51.100.1, 10.0.0.1"}, "10.0.0.2"),
    ({}, "127.0.0.1"),
])
def test_the_layer_computes_flask_logins_identifier(app, headers, remote):
    """The "strong" session protection check before Flask uses Flask-Login's own value."""
    from flask import request
    from flask_login.utils import _create_identifier

    from sentem.web.member_pages import _identifier

    with app.test_request_context("/", headers=headers, environ_base={"REMOTE_ADDR": remote}):
        assert _identifier(request.environ) == _create_identifier()
