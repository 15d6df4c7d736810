"""A real Chromium, never logged in: cart → checkout with consent → lookup (right password only) → cancel."""
import re

from tests.guest.builders import ORDER_PASSWORD, ORDERER
from tests.orders.builders import DELIVERY, make_product


def test_guest_buys_looks_up_with_the_right_password_only_and_cancels(page, browser, live_server):
    mug = make_product(title="비회원 머그", price=12000, stock=10)

    page.goto(f"/products/{mug.id}")
    page.fill("#quantity", "2")
    page.click("text=장바구니에 담기")
    page.wait_for_url(re.compile(r"/cart$"))
    page.click("text=주문하기")
    page.wait_for_url(re.compile(r"/checkout$"))
    assert "비회원 주문 기록" in page.content()
    for field, value in {**ORDERER, **DELIVERY, "order_password": ORDER_PASSWORD,
                         "order_password_confirm": ORDER_PASSWORD}.items():
        page.fill(f"#{field}", value)
    page.select_option("#test_outcome", "approve")
    page.click(".pay-button")  # without the consent: refused, nothing ordered
    page.wait_for_selector("#consent_guest_privacy-error")
    for field in ("order_password", "order_password_confirm"):  # passwords are never sent back
        page.fill(f"#{field}", ORDER_PASSWORD)
    page.check("#consent_guest_privacy")
    page.click(".pay-button")
    page.wait_for_url(re.compile(r"/guest/orders/\d{8}-[A-Z0-9]{6}$"))
    order_no = page.url.rsplit("/", 1)[1]
    assert page.locator(".order-status").inner_text() == "결제 완료"

    other = browser.new_context(base_url=live_server.url, locale="ko-KR").new_page()  # another browser
    other.goto(f"/guest/orders/{order_no}")
    assert "주문 취소" not in other.content()
    other.goto("/guest/orders")
    other.fill("#order_no", order_no)
    other.fill("#order_password", "not-the-password")
    other.click("button[type=submit]:has-text('조회하기')")
    assert "주문번호 또는 주문 비밀번호가 올바르지 않습니다" in other.content()
    other.fill("#order_password", ORDER_PASSWORD)
    other.click("button[type=submit]:has-text('조회하기')")
    other.wait_for_url(re.compile(rf"/guest/orders/{order_no}$"))
    other.click(".cancel-order")
    other.wait_for_url(re.compile(rf"/guest/orders/{order_no}$"))
    assert "27,000원을 환불했습니다" in other.content()
    assert other.locator(".order-status").inner_text() == "주문 취소"
    other.context.close()
