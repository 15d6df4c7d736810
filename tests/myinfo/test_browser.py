"""Browser journeys (real Chromium): view and download my info, correct my mobile, withdraw
marketing consent, and withdraw with an open order — refused with the reason, then done."""
from __future__ import annotations

import json

from sentem.extensions import db
from tests.myinfo.builders import PASSWORD, full_member
from tests.orders.builders import make_paid_order


def _login(page, member, next_url="/me"):
    page.goto(f"/login?next={next_url}")
    page.fill("#login_id", member.login_id)
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit] >> text=로그인")
    page.wait_for_url(f"**{next_url}")


def test_view_my_info_and_download_export(page, app):
    m = full_member("brw")
    _login(page, m, "/me/data")
    assert page.locator("h1").inner_text() == "내 정보 열람·내려받기"
    assert m.sns_account in page.content()
    with page.expect_download() as info:
        page.click("#export-json")
    data = json.loads(open(info.value.path(), encoding="utf-8").read())
    profile = data["record_classes"]["member_profile"]["rows"]
    assert m.email in json.dumps(profile, ensure_ascii=False)


def test_correct_my_mobile(page, app):
    m = full_member("mob")
    _login(page, m, "/me/edit")
    page.fill("#mobile", "010-2468-1357")
    page.click("form.form button[type=submit]")
    assert "현재 비밀번호" in page.locator(".field-error").first.inner_text()
    page.fill("#mobile", "010-2468-1357")
    page.fill("#current_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert page.input_value("#mobile") == "010-2468-1357"
    db.session.refresh(m)
    assert m.mobile == "010-2468-1357"


def test_withdraw_marketing_consent(page, app):
    from sentem.myinfo.services import excluded_from_marketing

    m = full_member("mkt")
    _login(page, m, "/me/consents")
    row = page.locator("#marketing tr[data-kind=marketing_email]")
    assert row.locator(".state").inner_text() == "동의"
    row.locator("button").click()
    page.wait_for_selector(".flash-success")
    assert page.locator("#marketing tr[data-kind=marketing_email] .state").inner_text() == "동의 안 함"
    assert excluded_from_marketing(m.id, "email")
    latest = page.locator("#consent-history tbody tr").first
    assert latest.locator("td[data-kind=marketing_email]").count() == 1
    assert "철회" in latest.inner_text()


def test_withdraw_refused_with_open_order_then_done_after_cancelling(page, app):
    m = full_member("wdb")
    order = make_paid_order(m)
    _login(page, m, "/me/withdraw")
    page.fill("#withdraw-form #password", PASSWORD)
    page.check("#confirm")
    page.click("#withdraw-form button[type=submit]")
    assert order.order_no in page.locator("#open-obligations").inner_text()
    assert "진행 중인 거래" in page.locator("#withdraw-error").inner_text()

    page.goto(f"/orders/{order.order_no}")
    page.click("a.cancel-order")  # the confirmation step, then the cancel itself
    page.click("button.confirm-cancel")
    page.wait_for_load_state()

    page.goto("/me/withdraw")
    page.fill("#withdraw-form #password", PASSWORD)
    page.check("#confirm")
    page.click("#withdraw-form button[type=submit]")
    assert "탈퇴를 완료" in page.locator("#withdrawn").inner_text()
    page.goto("/me")
    assert "/login" in page.url
    db.session.expire_all()
    assert db.session.get(type(m), m.id).status == "withdrawn"
