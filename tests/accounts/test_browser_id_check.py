"""아이디 중복확인 in real Chromium with the shop's CSP in force: the answer appears as
the ID is left or the button pressed, read out from a status line."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.builders import make_member


def test_signup_tells_whether_the_id_is_free(page, app):
    make_member(login_id="hongtaken")
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "check-login-id" in r.url else None)
    page.goto("/signup")
    status = page.locator("#login_id-check")
    page.fill("#login_id", "hongtaken")
    page.press("#login_id", "Tab")  # leaving the field asks the server
    expect(status).to_have_text("이미 사용 중인 아이디입니다.")
    assert status.get_attribute("role") == "status"

    page.fill("#login_id", "hongfree")
    assert status.inner_text() == ""  # a stale answer never stays beside a new ID
    page.get_by_role("button", name="중복확인").click()
    expect(status).to_have_text("사용할 수 있는 아이디입니다.")

    page.fill("#login_id", "9x")
    page.get_by_role("button", name="중복확인").click()
    expect(status).to_contain_text("영문 소문자로 시작하는")
    assert not errors, errors  # no CSP refusal, no script error
    assert len(asked) == 3  # one question per ID typed, however it was asked
