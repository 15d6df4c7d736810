"""A real Chromium buys, pays, sees and cancels; a declined payment keeps the cart."""
import re

from tests.builders import PASSWORD, make_member
from tests.orders.builders import make_product


def test_buy_pay_see_cancel_and_decline(page, live_server):
    member = make_member(name="김구매")
    mug = make_product(title="브라우저 머그", price=12000, stock=10)
    tumbler = make_product(title="브라우저 텀블러", price=25000, stock=10)

    page.goto("/login?next=/products")
    page.fill("#login_id", member.login_id)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]:has-text('로그인')")
    page.wait_for_url(re.compile(r"/products"))

    for product, qty in ((mug, "2"), (tumbler, "1")):
        page.goto(f"/products/{product.id}")
        page.fill("#quantity", qty)
        page.click("text=장바구니에 담기")
        page.wait_for_url(re.compile(r"/cart$"))
    assert page.locator(".cart-total").inner_text().strip() == "49,000원"

    page.click("text=주문하기")
    page.wait_for_url(re.compile(r"/checkout$"))
    assert page.input_value("#recipient_name") == "김구매"  # prefilled from the profile
    page.fill("#recipient_phone", "010-2345-6789")
    page.fill("#postcode", "06236")
    page.fill("#address1", "서울특별시 강남구 테헤란로 1")
    page.select_option("#test_outcome", "approve")
    page.click(".pay-button")
    page.wait_for_url(re.compile(r"/orders/\d{8}-[A-Z0-9]{6}$"))
    assert page.locator(".order-status").inner_text() == "결제 완료"
    assert "52,000원" in page.content()  # 49,000 + 3,000 delivery
    order_url = page.url

    page.goto("/orders")
    page.click(f"a[href='{order_url.split(live_server.url)[1]}']")
    page.click(".cancel-order")  # a confirmation page first: what goes back, and why
    page.wait_for_url(order_url + "/cancel")
    assert "52,000원" in page.locator(".confirm-summary").inner_text()
    page.select_option("#reason", "wrong_order")
    page.click(".confirm-cancel")
    page.wait_for_url(order_url)
    assert page.locator(".order-status").inner_text() == "주문 취소"
    assert "환불했습니다" in page.content()

    page.goto(f"/products/{mug.id}")
    page.click("text=장바구니에 담기")
    page.goto("/checkout")
    page.fill("#recipient_phone", "010-2345-6789")
    page.fill("#postcode", "06236")
    page.fill("#address1", "서울특별시 강남구 테헤란로 1")
    page.select_option("#test_outcome", "decline")
    page.click(".pay-button")
    page.wait_for_url(re.compile(r"/cart$"))
    assert "결제가 거절되었습니다" in page.content()
    assert page.locator("table.cart tbody tr").count() == 1
    assert "브라우저 머그" in page.locator("table.cart").inner_text()
