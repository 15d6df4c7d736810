"""One real Chromium journey: the home page shows the legally required business
information and a prominent link to the privacy policy."""
from __future__ import annotations

import re

from playwright.sync_api import expect


def test_home_page_footer_and_policy_link(page, live_server, app):
    response = page.goto(live_server.url + "/")
    assert response.status == 200  # the home page itself, not an error page in the same shell
    footer = page.locator("footer.site-footer")
    expect(footer).to_be_visible()
    for label in ("상호", "대표자", "주소", "전화", "이메일", "사업자등록번호", "통신판매업 신고번호"):
        expect(footer.locator("dt", has_text=re.compile("^" + label + "$")).first).to_be_visible()
    expect(footer).to_contain_text("정다진")
    expect(footer).to_contain_text("1544-2755")
    expect(footer).to_contain_text(app.config["BUSINESS_NAME"])

    link = footer.get_by_role("link", name="개인정보 처리방침", exact=True)
    expect(link).to_be_visible()
    assert link.locator("strong").count() == 1  # set apart from the other footer links
    with page.expect_response(re.compile(r"/privacy$")) as policy:
        link.click()
    expect(page).to_have_url(re.compile(r"/privacy$"))
    assert policy.value.status == 200  # the policy in force (its content is the policy package's)
