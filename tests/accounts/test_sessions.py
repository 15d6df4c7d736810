"""Server-side member sessions: logout really ends them (a saved cookie reads nothing), the
member sees and ends their other devices, withdrawal ends them, the store keeps no raw id."""
from __future__ import annotations

from flask import g
from sqlalchemy import select

from sentem import clock
from sentem.accounts import sessions
from sentem.accounts.records import export_sessions
from sentem.extensions import db
from sentem.privacy.registry import REGISTRY
from sentem.security import session_store
from tests.accounts.builders import PASSWORD, register_member
from tests.races import LiveClient

CHROME_WIN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
SAFARI_IOS = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
              "Version/17.0 Mobile/15E148 Safari/604.1")


def _login(client, member, ua=CHROME_WIN):
    client.environ_base["HTTP_USER_AGENT"] = ua  # a browser sends the same one every time
    resp = client.post("/login", data={"login_id": member.login_id, "password": PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    g.pop("_login_user", None)  # the fixture's app context outlives requests; a server's does not


def _signed_in(client) -> bool:
    g.pop("_login_user", None)
    return client.get("/me").status_code == 200


def test_a_saved_cookie_replayed_after_logout_reads_nothing_over_http(live_server):
    m = register_member()
    browser = LiveClient(live_server)
    browser.login(m.login_id, PASSWORD)
    saved = dict(browser.cookies)
    assert browser.get("/me").status == 200
    assert browser.get("/me/export.json").status == 200
    assert browser.post("/logout", {"csrf_token": browser.csrf("/")}).status == 302

    for path in ("/me", "/me/export.json", "/me/edit", "/me/sessions"):
        replay = browser.request("GET", path, cookies=saved)
        assert replay.status == 302 and replay.location.startswith("/login"), (path, replay.status)
        assert m.login_id not in replay.body and m.email not in replay.body


def test_the_store_keeps_only_a_hash_of_the_cookie_id(client):
    m = register_member()
    _login(client, m)
    with client.session_transaction() as s:
        token = s[sessions.SESSION_KEY]
    rows = db.session.execute(select(session_store.LoginSession)).scalars().all()
    if session_store.backend() == "database":
        assert [r.id_hash for r in rows] == [session_store.hash_of(token)]
        assert all(token not in (r.id_hash, r.device) for r in rows)
    assert [s.id_hash for s in sessions.active(m.id)] == [session_store.hash_of(token)]


def test_sessions_page_lists_devices_and_logs_out_the_others(app):
    m = register_member()
    phone, laptop = app.test_client(), app.test_client()
    _login(phone, m, SAFARI_IOS)
    _login(laptop, m, CHROME_WIN)

    page = laptop.get("/me/sessions").get_data(as_text=True)
    assert "Safari · iOS" in page and "Chrome · Windows" in page and "다른 기기 모두 로그아웃" in page
    assert "Mozilla" not in page  # the family only, never the user agent
    assert "/me/sessions" in laptop.get("/me").get_data(as_text=True)  # linked from /me

    resp = laptop.post("/me/sessions/logout-others")
    assert resp.status_code == 302
    assert not _signed_in(phone)
    assert _signed_in(laptop)
    assert len(sessions.active(m.id)) == 1


def test_one_other_device_can_be_ended_and_not_someone_elses(app):
    m, other = register_member(), register_member()
    a, b, c = app.test_client(), app.test_client(), app.test_client()
    _login(a, m)
    _login(b, m)
    _login(c, other)
    b_hash = next(s.id_hash for s in sessions.active(m.id) if s.id_hash != _hash_of(a))
    assert c.post(f"/me/sessions/{b_hash}/end").status_code == 404  # another member's session
    g.pop("_login_user", None)
    assert _signed_in(b)
    assert a.post(f"/me/sessions/{b_hash}/end").status_code == 302
    assert not _signed_in(b) and _signed_in(a)


def _hash_of(client) -> str:
    with client.session_transaction() as s:
        return session_store.hash_of(s[sessions.SESSION_KEY])


def test_end_member_sessions_api_counts_and_can_keep_none(app):
    m = register_member()
    clients = [app.test_client() for _ in range(3)]
    for cl in clients:
        _login(cl, m)
    assert sessions.end_member_sessions(m.id) == 3
    assert not any(_signed_in(cl) for cl in clients)
    assert sessions.end_member_sessions(m.id) == 0


def test_withdrawal_ends_every_session_and_the_registry_destroys_them(app):
    m = register_member()
    here, there = app.test_client(), app.test_client()
    _login(here, m)
    _login(there, m)
    resp = here.post("/me/withdraw", data={"password": PASSWORD, "confirm": "yes"})
    assert resp.status_code in (200, 302)
    assert not _signed_in(there)
    assert sessions.active(m.id) == []
    rc = REGISTRY.record_class("login_sessions")
    assert rc.items == ("session_device",) and rc.on_withdrawal == "destroy"


def test_destroy_and_export_of_the_record_class(app):
    m = register_member()
    cl = app.test_client()
    _login(cl, m)
    assert [r["기기"] for r in export_sessions(m.id)] == ["Chrome · Windows"]
    assert REGISTRY.record_class("login_sessions").destroy(m.id) == 1
    db.session.commit()
    assert export_sessions(m.id) == [] and not _signed_in(cl)


def test_sessions_end_after_their_absolute_lifetime(app):
    m = register_member()
    cl = app.test_client()
    _login(cl, m)
    clock.advance(days=29)
    assert _signed_in(cl)
    clock.advance(days=2)
    assert not _signed_in(cl)
    assert sessions.active(m.id) == []


def test_device_family_is_coarse():
    assert session_store.device_family(CHROME_WIN) == "Chrome · Windows"
    assert session_store.device_family(SAFARI_IOS) == "Safari · iOS"
    assert session_store.device_family("") == "?"
    assert session_store.device_family("curl/8.0") == "?"


def test_redis_away_signs_out_for_a_while_and_never_answers_500(app, client):
    m = register_member()
    _login(client, m)
    app.config["SENTEM_REDIS_URL"] = "redis://127.0.0.1:9/0"  # nothing listens there
    g.pop("_login_user", None)
    resp = client.get("/me")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    resp = client.post("/login", data={"login_id": m.login_id, "password": PASSWORD})
    assert resp.status_code == 503  # no half-done login; login limits still counted (database)
    assert client.post("/logout").status_code == 302


def test_sessions_page_in_english(client):
    m = register_member()
    _login(client, m)
    client.set_cookie("lang", "en")
    page = client.get("/me/sessions").get_data(as_text=True)
    assert "Signed-in devices" in page and "Log out all other devices" in page and "this device" in page
