"""Browser journeys in real Chromium (CSRF on)."""
from sqlalchemy import select

from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.privacy import consent


def fill_required(page, login_id):
    page.fill("#login_id", login_id)
    page.fill("#password", "journey-pass-1")
    page.fill("#password_confirm", "journey-pass-1")
    page.fill("#name", "여정인")
    page.fill("#email", f"{login_id}@example.com")
    page.fill("#mobile", "01055556666")
    page.check("#consent_terms")
    page.check("#consent_privacy")


def test_signup_required_only_welcome_logout_login(page):
    page.goto("/signup")
    fill_required(page, "journey01")
    page.click("button:has-text('가입하기')")
    page.wait_for_url("**/signup/welcome")
    assert page.locator("h1").inner_text() == "가입을 환영합니다"
    page.click("button:has-text('로그아웃')")
    page.goto("/login")
    page.fill("#login_id", "journey01")
    page.fill("#password", "journey-pass-1")
    page.click("main button:has-text('로그인')")
    page.wait_for_load_state()
    assert page.locator("header button:has-text('로그아웃')").count() == 1
    member = db.session.execute(select(Member)).scalar_one()
    assert consent.current(member.id)["marketing_email"] is False


def test_signup_with_marketing_email_is_in_the_ledger(page):
    page.goto("/signup")
    # "전체 동의" ticks everything in the page (static/js/accounts.js); untick SMS again.
    page.check("#consent-all")
    assert page.is_checked("#consent_marketing_sms") and page.is_checked("#consent_marketing_email")
    page.uncheck("#consent_marketing_sms")
    assert not page.is_checked("#consent-all")
    fill_required(page, "journey02")
    page.click("button:has-text('가입하기')")
    page.wait_for_url("**/signup/welcome")
    assert "마케팅 정보 이메일 수신 동의" in page.locator("main").inner_text()
    db.session.expire_all()
    member = db.session.execute(select(Member)).scalar_one()
    state = consent.current(member.id)
    assert state["marketing_email"] is True and state["marketing_sms"] is False
    rows = [r for r in consent.history(member.id) if r.kind == "marketing_email"]
    assert len(rows) == 1 and rows[0].granted and rows[0].screen == "signup" and rows[0].ip == "127.0.0.1"
