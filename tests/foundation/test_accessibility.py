"""axe-core (WCAG 2.x A and AA) on every customer page and the staff pages, in real
Chromium: anonymous, signed in, with a failed submit, and in the staff area."""
from __future__ import annotations

import re

from tests.a11y import assert_accessible
from tests.admin.builders import make_staff, totp_now
from tests.builders import PASSWORD, make_member
from tests.myinfo.builders import make_rights_request
from tests.orders.builders import make_paid_order, make_product

ANONYMOUS = ["/", "/products", "/login", "/signup", "/account/find-id", "/account/reset-password",
             "/privacy", "/privacy/versions", "/terms", "/terms/versions", "/notices", "/support", "/cart"]
MEMBER = ["/cart", "/checkout", "/orders", "/me", "/me/edit", "/me/consents", "/me/requests", "/me/withdraw",
          "/me/password", "/me/sessions", "/me/addresses", "/me/addresses/new", "/support/new"]


def _check(page, path: str) -> None:
    response = page.goto(path)
    assert response.status == 200, path
    assert_accessible(page, path)


def _sign_in(page, member) -> None:
    page.goto("/login")
    page.fill("#login_id", member.login_id)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/(me|)$"))


def test_customer_pages_have_no_wcag_violations(a11y_context):
    product = make_product(title="접근성 머그", price=12000, stock=5)
    member = make_member(name="김접근")
    order = make_paid_order(member)
    request = make_rights_request(member)
    page = a11y_context.new_page()
    for path in ANONYMOUS + [f"/products/{product.id}"]:
        _check(page, path)
    for listing in ("/privacy/versions", "/terms/versions"):  # a published version's own page
        page.goto(listing)
        first = page.locator("main a[href*='/versions/']").first.get_attribute("href")
        _check(page, first)
    page.goto("/signup")
    page.click("main button[type=submit]")  # a failed submit: errors shown with their fields
    assert page.title().startswith("오류: ") and page.locator(".field-error").count() > 3
    assert_accessible(page, "/signup (errors)")

    _sign_in(page, member)
    page.goto(f"/products/{product.id}")
    page.click("text=장바구니에 담기")
    page.wait_for_url(re.compile(r"/cart$"))
    for path in MEMBER + [f"/orders/{order.order_no}", f"/orders/{order.order_no}/receipt",
                          f"/orders/{order.order_no}/address", f"/me/requests/{request.id}"]:
        _check(page, path)


def test_staff_pages_have_no_wcag_violations(a11y_context, app):
    member = make_member(name="박직원확인")
    order = make_paid_order(member)
    st = make_staff("privacy_officer")
    page = a11y_context.new_page()
    page.goto("/admin/login")
    assert_accessible(page, "/admin/login")
    page.fill("#login_id", st[0].login_id)
    page.fill("#password", st[1])
    page.click("button[type=submit]")
    page.wait_for_selector("img.qr")
    assert_accessible(page, "/admin/login/enrol")
    page.fill("#code", totp_now(st[2]))
    page.click("form button[type=submit]")
    page.wait_for_selector("h1")
    links = page.eval_on_selector_all("nav.admin-nav a", "as => as.map(a => a.getAttribute('href'))")
    assert len(links) > 10
    for path in links + [f"/admin/members/{member.id}", f"/admin/orders/{order.order_no}"]:
        _check(page, path)
