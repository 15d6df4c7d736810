"""A real Chromium pays through the Toss sandbox's window: checkout → window → success → order paid."""
import re

from tests.builders import PASSWORD, make_member
from tests.orders.builders import make_product


def test_pay_in_the_toss_window_with_chromium(page, live_server, toss):
    member = make_member(name="김토스")
    mug = make_product(title="토스 머그", price=12000, stock=10)

    page.goto("/login?next=/products")
    page.fill("#login_id", member.login_id)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]:has-text('로그인')")
    page.wait_for_url(re.compile(r"/products"))
    page.goto(f"/products/{mug.id}")
    page.fill("#quantity", "2")
    page.click("text=장바구니에 담기")
    page.wait_for_url(re.compile(r"/cart$"))

    page.click("text=주문하기")
    page.wait_for_url(re.compile(r"/checkout$"))
    page.fill("#recipient_phone", "010-2345-6789")
    page.fill("#postcode", "06236")
    page.fill("#address1", "서울특별시 강남구 테헤란로 1")
    page.check("input[name=payment_method][value=toss]")
    page.click(".pay-button")

    page.wait_for_url(re.compile(re.escape(toss.url) + r"/window\?"))
    assert page.locator(".amount").inner_text() == "27,000원"
    assert page.locator(".order-name").inner_text() == "토스 머그"
    page.click("button.approve")

    page.wait_for_url(re.compile(r"/orders/\d{8}-[A-Z0-9]{6}$"))
    assert page.locator(".order-status").inner_text() == "결제 완료"
    assert "주문과 결제가 완료되었습니다" in page.content()
    assert toss.ledger.confirm_calls == 1
