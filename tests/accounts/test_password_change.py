"""/me/password: the current password proves it is the member; the rules apply; other sessions
end, this one stays; a notice without any secret goes to the email and the mobile."""
import pytest

from sentem.accounts import password_change
from sentem.accounts.history import LoginEvent
from sentem.accounts.profile import ProfileError
from sentem.extensions import db
from tests.accounts.builders import PASSWORD
from tests.accounts.recovery_helpers import login, mails, status_of, verified_member

NEW = "new-secret-2026"


def change(client, current=PASSWORD, new=NEW, confirm=None):
    return client.post("/me/password", data={"current_password": current, "new_password": new,
                                              "new_password_confirm": new if confirm is None else confirm})


def test_anonymous_visitors_go_to_login(client):
    res = client.get("/me/password")
    assert res.status_code == 302 and "/login?next=" in res.headers["Location"]


def test_change_ends_other_sessions_keeps_this_one_and_notifies(app, client):
    m = verified_member()
    other = app.test_client()
    assert login(client, m).status_code == 302 and login(other, m).status_code == 302
    assert status_of(other, "/me") == 200
    res = change(client)
    assert res.status_code == 302 and res.headers["Location"].endswith("/me")
    assert status_of(client, "/me") == 200  # the session that changed it stays
    assert status_of(other, "/me") == 302  # every other one ended
    client.post("/logout")
    assert login(client, m, PASSWORD).status_code == 401  # the old password is refused
    assert login(client, m, NEW).status_code == 302
    email = mails("password_changed", m.email)
    sms = mails("password_changed", m.mobile)
    assert len(email) == 1 and len(sms) == 1
    assert email[0]["subject"] == "[왓플래닛] 비밀번호가 변경되었습니다" and "비밀번호가 변경되었습니다" in sms[0]["body"]
    for msg in email + sms:
        assert NEW not in msg["body"] and PASSWORD not in msg["body"]
    kinds = [e.kind for e in db.session.query(LoginEvent).filter_by(member_id=m.id).order_by(LoginEvent.id)]
    assert "password_change" in kinds


def test_wrong_current_password_changes_nothing_and_counts(client):
    m = verified_member()
    login(client, m)
    res = change(client, current="not-my-password")
    assert res.status_code == 422 and "현재 비밀번호가 올바르지 않습니다." in res.get_data(as_text=True)
    db.session.refresh(m)
    assert m.failed_logins == 1
    assert mails("password_changed") == []
    for _ in range(4):
        change(client, current="not-my-password")
    assert status_of(client, "/me") == 302  # the guess that locked the account signed it out
    db.session.refresh(m)
    with pytest.raises(ProfileError) as exc:  # locked: even the right password changes nothing
        password_change.change_password(m, PASSWORD, NEW, NEW)
    assert "잠시 변경할 수 없습니다" in str(exc.value.errors["current_password"])
    assert login(client, m, PASSWORD).status_code == 401


def test_rules_apply_with_field_messages(client):
    m = verified_member(login_id="pwchanger")
    login(client, m)
    cases = [("1111111111", None, "너무 흔하거나 추측하기 쉬운 비밀번호입니다"),
             ("short", None, "비밀번호는 10자 이상으로 입력해 주세요."),
             ("my-pwchanger-pw", None, "비밀번호에 아이디를 포함할 수 없습니다."),
             (NEW, NEW + "x", "비밀번호가 일치하지 않습니다."),
             (PASSWORD, None, "현재 비밀번호와 다른 비밀번호를 입력해 주세요.")]
    for new, confirm, message in cases:
        res = change(client, new=new, confirm=confirm)
        assert res.status_code == 422 and message in res.get_data(as_text=True), message
    assert login(client.application.test_client(), m, PASSWORD).status_code == 302  # unchanged


def test_english_page(client):
    m = verified_member()
    login(client, m)
    client.set_cookie("lang", "en")
    res = change(client, current="wrong-password", new="1111111111")
    page = res.get_data(as_text=True)
    assert "This password is too common or easy to guess." in page
    assert "Your current password is not correct." in page and "Change password" in page
