"""비밀번호 찾기 and 아이디 찾기: the same answer either way; a single-use link valid 30 minutes,
kept only as a hash; completion sets the password, ends every session and notifies; rate limits;
the login history records requests and completions (exported, destroyed like it)."""
import hashlib

import pytest
from sqlalchemy import select

from sentem import clock
from sentem.accounts.history import LoginEvent
from sentem.accounts.records import destroy_profile, export_logins
from sentem.accounts.reset_tokens import PasswordResetToken
from sentem.extensions import db
from tests.accounts.builders import PASSWORD
from tests.accounts.recovery_helpers import login, mails, reset_token, status_of, verified_member

NEW = "fresh-start-2026"


def ask(client, login_id, email):
    return client.post("/account/reset-password", data={"login_id": login_id, "email": email})


def reset(client, token, new=NEW, confirm=None):
    return client.post(f"/account/reset-password/{token}",
                       data={"new_password": new, "new_password_confirm": new if confirm is None else confirm})


def _answer(res) -> str:
    page = res.get_data(as_text=True)
    return page[page.index("<main"):] if "<main" in page else page


def test_same_answer_whether_or_not_they_match(client):
    m = verified_member()
    answers = {ask(client, m.login_id, m.email).get_data(as_text=True),
               ask(client, m.login_id, "someone-else@example.com").get_data(as_text=True),
               ask(client, "nosuchmember", m.email).get_data(as_text=True)}
    assert len(answers) == 1 and "재설정 링크를 보냈습니다" in answers.pop()
    assert len(mails("password_reset")) == 1 and mails("password_reset")[0]["to"] == m.email


def test_reset_by_mailed_link_is_single_use_and_ends_every_session(app, client):
    m = verified_member()
    browser = app.test_client()
    assert login(browser, m).status_code == 302
    ask(client, m.login_id, m.email.upper())
    token = reset_token(m)
    row = db.session.execute(select(PasswordResetToken)).scalar_one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in str(vars(row))
    page = client.get(f"/account/reset-password/{token}")
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert reset(client, token).status_code == 200
    assert status_of(browser, "/me") == 302  # every session ended
    assert login(client, m, PASSWORD).status_code == 401 and login(client, m, NEW).status_code == 302
    again = reset(app.test_client(), token, new="another-one-2026")
    assert again.status_code == 410 and "이미 사용한 링크입니다" in again.get_data(as_text=True)
    assert "/account/reset-password" in again.get_data(as_text=True)  # offers a new link
    notices = mails("password_changed", m.email) + mails("password_changed", m.mobile)
    assert len(notices) == 2 and all(NEW not in n["body"] and token not in n["body"] for n in notices)


def test_link_expires_after_30_minutes(client):
    m = verified_member()
    ask(client, m.login_id, m.email)
    token = reset_token(m)
    clock.advance(minutes=29, seconds=59)
    assert client.get(f"/account/reset-password/{token}").status_code == 200
    clock.advance(seconds=1)
    res = client.get(f"/account/reset-password/{token}")
    assert res.status_code == 410 and "유효 시간(30분)이 지난 링크입니다" in res.get_data(as_text=True)
    assert reset(client, token).status_code == 410
    assert login(client, m, PASSWORD).status_code == 302  # unchanged


def test_a_made_up_token_says_so(client):
    res = client.get("/account/reset-password/" + "x" * 43)
    assert res.status_code == 404 and "올바르지 않은 링크입니다" in res.get_data(as_text=True)
    assert client.get("/account/reset-password/" + "x" * 5000).status_code == 404


def test_rules_and_confirmation_apply_and_leave_the_link_usable(client):
    m = verified_member()
    ask(client, m.login_id, m.email)
    token = reset_token(m)
    res = reset(client, token, new="1111111111")
    assert res.status_code == 422 and "너무 흔하거나 추측하기 쉬운 비밀번호입니다" in res.get_data(as_text=True)
    res = reset(client, token, confirm="different-2026")
    assert res.status_code == 422 and "비밀번호가 일치하지 않습니다." in res.get_data(as_text=True)
    assert reset(client, token).status_code == 200


def test_unverified_addresses_get_no_link_but_the_same_page(client):
    from tests.accounts.builders import register_member

    m = register_member()
    res = ask(client, m.login_id, m.email)
    assert res.status_code == 200 and "재설정 링크를 보냈습니다" in res.get_data(as_text=True)
    assert mails("password_reset") == []


def test_a_reset_lifts_a_lock(client):
    m = verified_member()
    for _ in range(5):
        login(client, m, "wrong-password")
    assert login(client, m).status_code == 401
    ask(client, m.login_id, m.email)
    reset(client, reset_token(m))
    assert login(client, m, NEW).status_code == 302


def test_requests_and_completions_in_the_login_history_without_secrets(client):
    m = verified_member()
    ask(client, m.login_id, m.email)
    token = reset_token(m)
    reset(client, token)
    kinds = [e.kind for e in db.session.execute(select(LoginEvent).where(LoginEvent.member_id == m.id)
                                                .order_by(LoginEvent.id)).scalars()]
    assert kinds[-2:] == ["reset_request", "reset_done"]
    exported = export_logins(m.id)
    assert {"비밀번호 찾기 요청", "비밀번호 재설정"} <= {row["구분"] for row in exported}
    assert token not in str(exported) and NEW not in str(exported)
    destroy_profile(m.id)
    db.session.commit()
    assert db.session.execute(select(PasswordResetToken)).first() is None


def test_per_account_mail_limit_and_rate_limits(app, client):
    m = verified_member()
    for _ in range(5):
        assert ask(client, m.login_id, m.email).status_code == 200
    assert len(mails("password_reset")) == 3  # at most 3 links an hour to one member
    assert ask(client, m.login_id, m.email).status_code == 429  # per account, whoever asks
    assert ask(client, "nosuchmember", m.email).status_code == 200
    for _ in range(4):
        ask(client, "nosuchmember", m.email)
    assert ask(client, "nosuchmember", m.email).status_code == 429  # unknown IDs count alike


@pytest.mark.parametrize("app_config", [{"SENTEM_RECOVERY_RATE_LIMIT": "3/hour"}])
def test_per_ip_limit(client):
    for n in range(3):
        assert ask(client, f"someone{n:03d}", "a@example.com").status_code == 200
    assert ask(client, "someone999", "a@example.com").status_code == 429
    other_ip = client.post("/account/reset-password", data={"login_id": "x1234", "email": "a@example.com"},
                           environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert other_ip.status_code == 200


def test_field_messages_for_what_cannot_be_an_account(client):
    res = ask(client, "", "not-an-email")
    page = res.get_data(as_text=True)
    assert res.status_code == 422 and "아이디를 입력해 주세요." in page and "올바른 이메일 주소" in page


def test_find_id_mails_the_login_id_and_answers_alike(client):
    m = verified_member()
    a = client.post("/account/find-id", data={"email": m.email.upper()})
    b = client.post("/account/find-id", data={"email": "nobody@example.com"})
    assert a.status_code == b.status_code == 200
    assert a.get_data(as_text=True) == b.get_data(as_text=True)
    sent = mails("find_id")
    assert len(sent) == 1 and sent[0]["to"] == m.email and m.login_id in sent[0]["body"]
    assert client.post("/account/find-id", data={"email": ""}).status_code == 422


def test_find_id_rate_limited_per_address(client):
    for _ in range(5):
        assert client.post("/account/find-id", data={"email": "x@example.com"}).status_code == 200
    assert client.post("/account/find-id", data={"email": "x@example.com"}).status_code == 429


def test_login_page_links_to_both(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/account/find-id"' in page and 'href="/account/reset-password"' in page


def test_pages_in_english(client):
    client.set_cookie("lang", "en")
    assert "Forgot password" in client.get("/login").get_data(as_text=True)
    res = client.get("/account/reset-password/" + "x" * 43)
    assert "This link is not valid." in res.get_data(as_text=True)
    res = client.post("/account/find-id", data={"email": "someone@example.com"})
    assert "If an account uses that email address" in res.get_data(as_text=True)
