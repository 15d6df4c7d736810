"""The web shell: /healthz, error pages, security headers, cookies, language switch."""
from __future__ import annotations

import os

import pytest
from flask import abort, session

from sentem import create_app
from sentem.security import keyring
from tests.conftest import base_config

UNREACHABLE_PG = "postgresql+psycopg://postgres@127.0.0.1:9/unreachable"
CODES = (400, 403, 404, 405, 413, 429, 500, 503)


def _app_like(app, **overrides):
    """Another app on the same databases and instance folder, with some settings changed."""
    cfg = base_config(app.config["SENTEM_INSTANCE_PATH"])
    for name in ("SQLALCHEMY_DATABASE_URI", "SENTEM_ARCHIVE_DATABASE_URL", "SENTEM_KEYSTORE_DATABASE_URL"):
        cfg[name] = app.config[name]
    cfg.update(overrides)
    return create_app(cfg)


def test_healthz_up(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "ok"
    for name in ("main_db", "archive_db", "keys_db", "redis"):
        assert body["checks"][name]["ok"], body


@pytest.mark.parametrize("setting, check", [
    ("SENTEM_ARCHIVE_DATABASE_URL", "archive_db"),
    ("SENTEM_KEYSTORE_DATABASE_URL", "keys_db"),
    ("SQLALCHEMY_DATABASE_URI", "main_db"),
])
def test_healthz_down_names_the_database(app, setting, check):
    broken = _app_like(app, **{setting: UNREACHABLE_PG})
    with broken.app_context():
        resp = broken.test_client().get("/healthz")
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["status"] == "down"
    assert body["checks"][check] == {"ok": False, "detail": "OperationalError"}  # could not connect
    others = {"main_db", "archive_db", "keys_db"} - {check}
    assert all(body["checks"][name]["ok"] for name in others), body


def test_healthz_down_when_redis_is_configured_but_unreachable(app):
    broken = _app_like(app, SENTEM_REDIS_URL="redis://127.0.0.1:9/0")
    with broken.app_context():
        resp = broken.test_client().get("/healthz")
    assert resp.status_code == 503
    assert resp.get_json()["checks"]["redis"]["ok"] is False


def _add_error_routes(app):
    for code in (400, 403, 413, 429, 503):
        app.add_url_rule(f"/_test/abort/{code}", f"abort_{code}", lambda code=code: abort(code))

    def boom():
        raise RuntimeError("an unexpected bug")

    app.add_url_rule("/_test/boom", "boom", boom)
    app.add_url_rule("/_test/post-only", "post_only", lambda: "ok", methods=["POST"])
    app.config["PROPAGATE_EXCEPTIONS"] = False  # let the 500 page render as in production


def _error_response(client, code):
    if code == 404:
        return client.get("/_test/no-such-page")
    if code == 405:
        return client.get("/_test/post-only")
    if code == 500:
        return client.get("/_test/boom")
    return client.get(f"/_test/abort/{code}")


@pytest.mark.parametrize("code", CODES)
def test_error_pages_in_the_shop_look(app, client, code):
    from sentem.web.errors import MESSAGES

    _add_error_routes(app)
    resp = _error_response(client, code)
    html = resp.get_data(as_text=True)
    assert resp.status_code == code
    assert resp.mimetype == "text/html"
    assert MESSAGES[code][0] in html  # Korean title
    assert 'class="site-header"' in html and 'class="site-footer"' in html  # the shop's shell
    assert 'href="/privacy"' in html and "정다진" in html
    assert "Traceback" not in html and "an unexpected bug" not in html
    assert "Content-Security-Policy" in resp.headers


def test_error_pages_in_english(app, client):
    _add_error_routes(app)
    client.set_cookie("lang", "en")
    resp = client.get("/_test/no-such-page")
    assert resp.status_code == 404
    html = resp.get_data(as_text=True)
    assert "Page not found" in html and 'lang="en"' in html


def test_json_errors_for_json_clients(app, client):
    resp = client.get("/_test/nothing.json")
    assert resp.status_code == 404 and resp.get_json()["error"] == 404


def test_english_header_and_footer_with_lang_cookie(app, client):
    korean = client.get("/_test/no-such-page").get_data(as_text=True)
    assert "개인정보 처리방침" in korean and "사업자등록번호" in korean and "로그인" in korean
    client.set_cookie("lang", "en")
    english = client.get("/_test/no-such-page").get_data(as_text=True)
    for text in ("Privacy policy", "Business registration no.", "Mail-order business report no.",
                 "Representative", "Log in", "Sign up", "Cart", "한국어"):
        assert text in english, text
    assert "개인정보 처리방침" not in english and "통신판매업 신고번호" not in english


def test_language_switch_sets_cookie_and_redirects_safely(client):
    resp = client.get("/lang/en?next=/products")
    assert resp.status_code == 302 and resp.headers["Location"] == "/products"
    assert "lang=en" in resp.headers["Set-Cookie"] and "HttpOnly" in resp.headers["Set-Cookie"]
    resp = client.get("/lang/ko?next=https://evil.example/")
    assert resp.headers["Location"] == "/"


def test_security_headers(client):
    resp = client.get("/healthz")
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in resp.headers  # development: plain http on loopback


def test_production_adds_hsts_and_secure_cookies(app):
    prod = _app_like(app, SENTEM_ENV="production", SECRET_KEY="p" * 48, SENTEM_TEST_GATEWAY=False,
                     SENTEM_PAYMENT_GATEWAY="toss", SENTEM_TOSS_CLIENT_KEY="live_ck_x", SENTEM_TOSS_SECRET_KEY="live_sk_x",
                     SENTEM_MASTER_KEY=keyring.encode_key(os.urandom(32)))

    def touch_session():
        session["seen"] = True
        return "ok"

    prod.add_url_rule("/_test/session", "touch_session", touch_session)
    with prod.app_context():
        client = prod.test_client()
        resp = client.get("/_test/session")
        assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
        cookie = resp.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        lang = client.get("/lang/en").headers["Set-Cookie"]
        assert "Secure" in lang


class TestCsrf:
    """With CSRF on (as in production), a POST without the token is refused."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_post_without_token_is_rejected_in_korean(self, app, client):
        app.add_url_rule("/_test/form", "form", lambda: "saved", methods=["POST"])
        resp = client.post("/_test/form", data={"field": "value"})
        assert resp.status_code == 400
        html = resp.get_data(as_text=True)
        assert "보안 토큰이 없거나 만료되었습니다" in html and 'class="site-footer"' in html

    def test_post_with_token_is_accepted(self, app, client):
        from flask_wtf.csrf import generate_csrf

        def form():
            return generate_csrf()

        app.add_url_rule("/_test/token", "token", form)
        app.add_url_rule("/_test/form", "form", lambda: "saved", methods=["POST"])
        token = client.get("/_test/token").get_data(as_text=True)
        resp = client.post("/_test/form", data={"csrf_token": token})
        assert resp.status_code == 200 and resp.get_data(as_text=True) == "saved"


def test_rate_limited_pages_still_answer_when_redis_is_down(app):
    broken = _app_like(app, SENTEM_REDIS_URL="redis://127.0.0.1:9/0")
    with broken.app_context():
        client = broken.test_client()
        resp = client.post("/login", data={"login_id": "nobody", "password": "wrong-password"})
    assert resp.status_code in (200, 400, 401), resp.status_code  # the form answers; no 500


def test_every_shell_string_has_an_english_translation():
    import re
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    with open(root / "sentem/web/translations/en/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh)
    for template in ("templates/base.html", "templates/errors/error.html"):
        for msgid in re.findall(r"_\('([^']+)'\)", (root / template).read_text(encoding="utf-8")):
            message = catalog.get(msgid)
            assert message is not None and message.string, f"{template}: no English for {msgid!r}"


def test_pages_for_a_signed_in_member_or_staff_are_never_cached(app, client):
    """Personal data must not stay in a browser, proxy or shared PC cache (issue 14)."""
    from tests.admin.builders import make_staff, staff_login
    from tests.myinfo.builders import PASSWORD, full_member

    member = full_member("cache")
    anonymous = app.test_client().get("/")
    assert anonymous.headers.get("Cache-Control") != "no-store"
    resp = client.post("/login", data={"login_id": member.login_id, "password": PASSWORD})
    assert resp.status_code == 302
    for url in ("/me", "/me/data", "/me/edit", "/orders", "/cart", "/"):
        resp = client.get(url)
        assert resp.status_code == 200, (url, resp.headers.get("Location"))
        assert resp.headers["Cache-Control"] == "no-store", url
    staff_client = app.test_client()
    staff_login(staff_client, make_staff("privacy_officer"))
    resp = staff_client.get("/admin/dashboard")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
