"""One Chromium journey: a member asks the privacy officer on the consultation board
(CSRF on), and the footer's cookie note leads to the policy's cookie section."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.builders import PASSWORD, make_member


def test_member_asks_a_privacy_question(page, live_server, app):
    member = make_member()
    page.goto(live_server.url + "/support")
    expect(page.locator(".officer-phone")).to_have_text("1544-2755")
    page.goto(live_server.url + "/login?next=/support/new")
    page.fill("input[name=login_id]", member.login_id)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=login_id]) [type=submit]").click()
    page.goto(live_server.url + "/support/new")
    page.select_option("select[name=category]", "privacy")
    page.fill("input[name=title]", "<b>제 정보 삭제</b>")
    page.fill("textarea[name=body]", "회원 정보를 지워 주세요.")
    page.locator("form[action='/support/new'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/support/\d+$"))
    expect(page.locator("h1")).to_have_text("<b>제 정보 삭제</b>")  # shown as text, not markup
    expect(page.locator(".status")).to_have_text("답변 대기")

    page.locator("footer .cookie-note a").click()
    expect(page).to_have_url(re.compile(r"/privacy#cookies$"))
    expect(page.locator("#cookies")).to_be_visible()
