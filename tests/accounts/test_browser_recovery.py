"""Browser journeys in real Chromium (CSRF on): 비밀번호 찾기 by mailed link, password change."""
from sentem import clock
from sentem.extensions import db
from tests.accounts.recovery_helpers import LINK_RE, mails, verified_member


def _login(page, login_id, password):
    page.goto("/login")
    page.fill("#login_id", login_id)
    page.fill("#password", password)
    page.click("main button:has-text('로그인')")
    page.wait_for_load_state()


def test_reset_by_mailed_link(page):
    member = verified_member(login_id="journeyreset")
    login_id, email = member.login_id, member.email
    page.goto("/login")
    page.click("a:has-text('비밀번호 찾기')")
    page.wait_for_url("**/account/reset-password")
    page.fill("#login_id", login_id)
    page.fill("#email", email)
    page.click("button:has-text('재설정 링크 받기')")
    page.wait_for_load_state()
    assert "재설정 링크를 보냈습니다" in page.locator("main").inner_text()
    link = LINK_RE.search(mails("password_reset", email)[-1]["body"]).group(0)
    page.goto(link)
    page.fill("#new_password", "1111111111")
    page.fill("#new_password_confirm", "1111111111")
    page.click("main button:has-text('비밀번호 변경')")
    page.wait_for_load_state()
    assert "너무 흔하거나 추측하기 쉬운 비밀번호입니다" in page.locator("main").inner_text()
    page.fill("#new_password", "browser-reset-2026")
    page.fill("#new_password_confirm", "browser-reset-2026")
    page.click("main button:has-text('비밀번호 변경')")
    page.wait_for_load_state()
    assert "비밀번호가 변경되었습니다" in page.locator("main").inner_text()
    page.goto(link)  # the link worked once
    assert "이미 사용한 링크입니다" in page.locator("main").inner_text()
    page.click("a:has-text('새 재설정 링크 받기')")
    page.wait_for_url("**/account/reset-password")
    _login(page, login_id, "browser-reset-2026")
    assert page.locator("header button:has-text('로그아웃')").count() == 1
    assert len(mails("password_changed", email)) == 1


def test_expired_link_offers_a_new_one(page):
    member = verified_member(login_id="journeyexpire")
    page.goto("/account/reset-password")
    page.fill("#login_id", member.login_id)
    page.fill("#email", member.email)
    page.click("button:has-text('재설정 링크 받기')")
    page.wait_for_load_state()
    link = LINK_RE.search(mails("password_reset", member.email)[-1]["body"]).group(0)
    clock.advance(minutes=31)
    page.goto(link)
    assert "유효 시간(30분)이 지난 링크입니다" in page.locator("main").inner_text()
    assert page.locator("a:has-text('새 재설정 링크 받기')").count() == 1


def test_change_password_from_my_info(page):
    member = verified_member(login_id="journeychange")
    db.session.commit()
    _login(page, member.login_id, "sentem-pass-1")
    page.goto("/me")
    page.click(".hub-menu a:has-text('비밀번호 변경')")  # the 마이페이지 hub's links
    page.wait_for_url("**/me/password")
    page.fill("#current_password", "sentem-pass-1")
    page.fill("#new_password", "changed-in-browser-1")
    page.fill("#new_password_confirm", "changed-in-browser-1")
    page.click("main button:has-text('비밀번호 변경')")
    page.wait_for_url("**/me")
    assert "비밀번호가 변경되었습니다" in page.inner_text("body")
