"""Login, lockout, session fixation, safe next, logout by POST, login history."""
import pytest
from flask import g
from sqlalchemy import select

from sentem import clock
from sentem.accounts import services
from sentem.accounts.history import LoginEvent
from sentem.extensions import db
from tests.accounts.builders import PASSWORD, register_member

GENERIC = "아이디 또는 비밀번호가 올바르지 않습니다"


def login(client, login_id, password=PASSWORD, **extra):
    return client.post("/login", data={"login_id": login_id, "password": password, **extra})


def events(member_id=None):
    q = select(LoginEvent).order_by(LoginEvent.id)
    if member_id is not None:
        q = q.where(LoginEvent.member_id == member_id)
    return list(db.session.execute(q).scalars())


def test_login_and_logout_recorded_with_sealed_ip_and_agent(client):
    m = register_member()
    resp = client.post("/login", data={"login_id": m.login_id, "password": PASSWORD},
                       headers={"User-Agent": "Sentem-Test/1.0"}, environ_base={"REMOTE_ADDR": "192.0.2.44"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert client.get("/signup").status_code == 302  # signed in
    client.post("/logout", headers={"User-Agent": "Sentem-Test/1.0"}, environ_base={"REMOTE_ADDR": "192.0.2.44"})
    rows = events(m.id)
    assert [r.kind for r in rows] == ["login", "logout"]
    assert rows[0].ip == "192.0.2.44" and rows[0].user_agent == "Sentem-Test/1.0"
    # Under the member's key and the key of the row's retain-until day (5 years on).
    assert "192.0.2.44" not in rows[0].ip_ct
    assert rows[0].ip_ct.startswith(f"s2$x{rows[0].day_key_id}.k{m.data_key_id}$")


def test_login_id_case_and_width_do_not_matter(client):
    register_member(login_id="hongtest")
    assert login(client, "ＨＯＮＧtest").status_code == 302


@pytest.mark.parametrize("who", ["unknown", "wrong_password"])
def test_failure_is_generic_and_recorded(client, who):
    m = register_member()
    resp = login(client, "nobody99" if who == "unknown" else m.login_id, "wrong-pass-1")
    assert resp.status_code == 401 and GENERIC in resp.get_data(as_text=True)
    row = events()[-1]
    assert row.kind == "failure"
    if who == "unknown":
        # Unknown IDs: no member; IP sealed by the master key (and the day key); the typed ID is not kept.
        assert row.member_id is None and row.ip_ct.startswith(f"s2$x{row.day_key_id}.m") and row.ip == "127.0.0.1"
    else:
        assert row.member_id == m.id


def test_lockout_after_consecutive_failures_then_clock_moves(client):
    m = register_member()
    for _ in range(4):
        assert GENERIC in login(client, m.login_id, "wrong-pass-1").get_data(as_text=True)
    fifth = login(client, m.login_id, "wrong-pass-1").get_data(as_text=True)
    assert "5회 연속 실패" in fifth and "10분" in fifth
    # Even the right password is refused while locked.
    locked = login(client, m.login_id)
    assert locked.status_code == 401 and "10분 동안 로그인할 수 없습니다" in locked.get_data(as_text=True)
    clock.advance(minutes=9)
    assert login(client, m.login_id).status_code == 401
    clock.advance(minutes=2)
    assert login(client, m.login_id).status_code == 302
    assert [e.kind for e in events(m.id)][-3:] == ["locked", "locked", "login"]


def test_success_resets_the_failure_count(client):
    m = register_member()
    for _ in range(4):
        login(client, m.login_id, "wrong-pass-1")
    assert login(client, m.login_id).status_code == 302
    client.post("/logout")
    for _ in range(4):
        login(client, m.login_id, "wrong-pass-1")
    assert login(client, m.login_id).status_code == 302


@pytest.mark.parametrize("app_config", [{"SENTEM_LOGIN_MAX_FAILURES": 2, "SENTEM_LOGIN_LOCK_MINUTES": 3}])
def test_lockout_is_configurable(client):
    m = register_member()
    login(client, m.login_id, "wrong-pass-1")
    text = login(client, m.login_id, "wrong-pass-1").get_data(as_text=True)
    assert "2회 연속 실패" in text and "3분" in text


@pytest.mark.parametrize("status", ["withdrawn"])
def test_withdrawn_member_cannot_log_in(client, status):
    m = register_member()
    m.status = status
    db.session.commit()
    resp = login(client, m.login_id)
    assert resp.status_code == 401 and GENERIC in resp.get_data(as_text=True)


def test_session_fixation_old_session_contents_dropped(client):
    m = register_member()
    with client.session_transaction() as s:
        s["planted"] = "attacker"
    login(client, m.login_id)
    with client.session_transaction() as s:
        assert "planted" not in s and s["_user_id"] == str(m.id)


@pytest.mark.parametrize("target,expected", [
    ("/orders", "/orders"),
    ("/products/3?x=1", "/products/3?x=1"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_is_same_site_only(client, target, expected):
    m = register_member()
    resp = login(client, m.login_id, next=target)
    assert resp.status_code == 302 and resp.headers["Location"] == expected


def test_login_page_keeps_safe_next_only(client):
    assert 'value="/orders"' in client.get("/login?next=/orders").get_data(as_text=True)
    html = client.get("/login?next=//evil.example").get_data(as_text=True)
    assert 'name="next" type="hidden" value=""' in html


def test_logout_requires_post(client):
    m = register_member()
    login(client, m.login_id)
    assert client.get("/logout").status_code == 405
    assert client.get("/signup").status_code == 302  # still signed in
    assert client.post("/logout").status_code == 302
    assert client.get("/signup").status_code == 200


def test_logout_everywhere_ends_existing_sessions(client):
    m = register_member()
    login(client, m.login_id)
    services.logout_everywhere(m.id)
    g.pop("_login_user", None)  # the fixture's app context outlives requests; a server's does not
    assert client.get("/signup").status_code == 200  # anonymous again


def test_password_rehashed_when_argon2_parameters_change(app, client):
    m = register_member()
    old = m.password_hash
    app.config["ARGON2_TIME_COST"] = 2
    assert login(client, m.login_id).status_code == 302
    db.session.expire_all()
    from sentem.accounts.models import Member
    new = db.session.get(Member, m.id).password_hash
    assert new != old and "t=2" in new


def test_check_password_and_lookups(app):
    m = register_member(email="Look.Up@Example.com")
    assert services.check_password(m, PASSWORD) and not services.check_password(m, "nope-nope-1")
    assert services.find_by_login_id(m.login_id.upper()).id == m.id
    assert services.find_by_email("look.up@example.com").id == m.id
    assert services.find_by_email("other@example.com") is None
