"""A real Chromium, not logged in, fills a cart from product pages and keeps it at login."""
import re

from tests.builders import PASSWORD, make_member
from tests.orders.builders import make_product


def test_visitor_fills_a_cart_then_logs_in_and_keeps_it(page, live_server):
    member = make_member()
    mug = make_product(title="손님 머그", price=12000, stock=10)

    page.goto(f"/products/{mug.id}")  # served from the anonymous page cache: no session token on it
    page.fill("#quantity", "2")
    page.click("text=장바구니에 담기")
    page.wait_for_url(re.compile(r"/cart$"))
    assert page.locator(".cart-total").inner_text().strip() == "24,000원"
    cookie = next(c for c in page.context.cookies() if c["name"] == "guest_cart")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    page.goto("/login?next=/cart")
    page.fill("#login_id", member.login_id)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]:has-text('로그인')")
    page.wait_for_url(re.compile(r"/cart$"))
    assert page.locator(".cart-total").inner_text().strip() == "24,000원"
    assert not any(c["name"] == "guest_cart" for c in page.context.cookies())
