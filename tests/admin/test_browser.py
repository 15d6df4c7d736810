"""One browser journey: a staff member signs in with password and TOTP (QR enrolment),
CSRF on, and unmasks one member with a reason."""
from playwright.sync_api import expect

from tests.builders import make_member

from .builders import make_staff, totp_now


def test_staff_signs_in_and_unmasks(page, app):
    member = make_member(name="박보검")
    st = make_staff("privacy_handler")
    page.goto("/admin/")
    page.fill("#login_id", st[0].login_id)
    page.fill("#password", st[1])
    page.click("button[type=submit]")
    expect(page.locator("img.qr")).to_be_visible()
    page.fill("#code", totp_now(st[2]))
    page.click("form button[type=submit]")
    expect(page.locator("h1")).to_have_text("대시보드")
    page.goto(f"/admin/members/{member.id}")
    expect(page.locator("body")).to_contain_text("박*검")
    page.fill("#reason", "배송지 확인 요청 응대")
    page.click("form.reason-form button[type=submit]")
    expect(page.locator(".admin-banner", has_text="마스킹을 해제한 화면")).to_be_visible()
    expect(page.locator("body")).to_contain_text("박보검")
