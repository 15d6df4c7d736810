"""Browser journey: a member's paid order, staff ship it through the admin screens with a
tracking number (password + TOTP sign-in), the member sees carrier and number on the order page."""
from tests.admin.builders import make_staff, totp_now
from tests.builders import PASSWORD, make_member
from tests.orders.builders import make_paid_order


def test_ship_and_track(page, browser, live_server):
    member = make_member()
    login_id = member.login_id
    order = make_paid_order(member)
    staff, password, secret = make_staff("shipping_staff")
    staff_login_id = staff.login_id

    # Staff: sign in with password, then the authenticator code.
    page.goto("/admin/login")
    page.fill("input[name=login_id]", staff_login_id)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.fill("input[name=code]", totp_now(secret))
    page.click("button[type=submit]")
    page.goto("/admin/shipping")
    assert order.order_no in page.content()
    page.click(f"text={order.order_no}")
    assert "홍길동" in page.inner_text("#recipient-name")
    page.click("#do-preparing")
    page.select_option("#ship-carrier", "cj")
    page.fill("#ship-tracking", "6543-2109-8765")
    page.click("#do-ship")
    assert "발송 처리했습니다" in page.content()

    # Member: a separate browser, signing in through the login form.
    context = browser.new_context(base_url=live_server.url, locale="ko-KR")
    member_page = context.new_page()
    member_page.goto("/login")
    member_page.fill("input[name=login_id]", login_id)
    member_page.fill("input[name=password]", PASSWORD)
    member_page.click("main button[type=submit]")
    member_page.goto(f"/orders/{order.order_no}")
    text = member_page.content()
    assert "CJ대한통운" in text and "654321098765" in text
    link = member_page.get_attribute("a[href*='trace.cjlogistics.com']", "href")
    assert link.endswith("654321098765")
    context.close()
