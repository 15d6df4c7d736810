"""Password prompts inside member pages (/me/edit, /me/withdraw) count towards the login
lockout: no unlimited guessing from a signed-in browser."""
from __future__ import annotations

from flask import g

from sentem.accounts.models import Member
from sentem.extensions import db
from tests.accounts.builders import PASSWORD, register_member

LOCKED = "로그인할 수 없습니다"


def _login(client, member):
    resp = client.post("/login", data={"login_id": member.login_id, "password": PASSWORD})
    g.pop("_login_user", None)
    return resp


def _wrong_edit(client, member):
    return client.post("/me/edit", data={"email": "new-" + member.email, "current_password": "wrong-guess-1"})


def _wrong_withdraw(client):
    return client.post("/me/withdraw", data={"password": "wrong-guess-2", "confirm": "yes"})


def test_guesses_on_edit_and_withdraw_lock_the_account_and_end_the_session(client):
    m = register_member()
    assert _login(client, m).status_code == 302
    for _ in range(2):
        assert _wrong_edit(client, m).status_code == 400
        g.pop("_login_user", None)
    for _ in range(2):
        assert _wrong_withdraw(client).status_code == 400
        g.pop("_login_user", None)
    assert db.session.get(Member, m.id, populate_existing=True).failed_logins == 4
    resp = _wrong_withdraw(client)  # the fifth failure locks
    g.pop("_login_user", None)
    assert db.session.get(Member, m.id, populate_existing=True).locked_until is not None
    # The session ended with the lock: the right password no longer withdraws anyone.
    resp = client.post("/me/withdraw", data={"password": PASSWORD, "confirm": "yes"})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    assert db.session.get(Member, m.id, populate_existing=True).status == "active"
    # And the login form answers "locked", even with the right password.
    resp = _login(client, m)
    assert resp.status_code == 401 and LOCKED in resp.get_data(as_text=True)


def test_a_right_password_resets_the_count(client):
    m = register_member()
    _login(client, m)
    for _ in range(4):
        _wrong_withdraw(client)
        g.pop("_login_user", None)
    resp = client.post("/me/edit", data={"email": "changed@example.com", "current_password": PASSWORD})
    assert resp.status_code == 302
    assert db.session.get(Member, m.id, populate_existing=True).failed_logins == 0


def test_a_locked_account_is_refused_on_the_prompt_without_checking(app):
    m = register_member()
    here, there = app.test_client(), app.test_client()
    _login(here, m)
    _login(there, m)
    for _ in range(5):  # locked from another browser's login form
        there.post("/login", data={"login_id": m.login_id, "password": "wrong-guess-3"})
    g.pop("_login_user", None)
    resp = here.post("/me/withdraw", data={"password": PASSWORD, "confirm": "yes"})
    assert resp.status_code == 400 and "비밀번호가 올바르지 않습니다" in resp.get_data(as_text=True)
    assert db.session.get(Member, m.id, populate_existing=True).status == "active"
