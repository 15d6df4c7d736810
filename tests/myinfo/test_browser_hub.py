"""Real Chromium at desktop (1280 px) and phone (390 px) width: the 마이페이지 hub leads to a
filtered 주문내역 and an order page that shows where it goes and how it was paid; a cancel is
confirmed with its reason first. Screenshots of each page go to tests/artifacts/ (CI artefacts)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.myinfo.builders import PASSWORD, full_member
from tests.orders.builders import DELIVERY, checkout, make_paid_order, make_product

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("device", sorted(WIDTHS))
def test_hub_to_order_and_confirmed_cancel(browser, live_server, device):
    member = full_member(f"hub{device[0]}")
    make_paid_order(member, price=18000, title="허브 텀블러")
    order = make_paid_order(member, quantity=2, price=12300, title="허브 머그")
    checkout(member, [(make_product(price=9900, title="허브 담요"), 1)], outcome="decline")
    width, height = WIDTHS[device]
    context = browser.new_context(base_url=live_server.url, locale="ko-KR", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto("/login?next=/me")
        page.fill("#login_id", member.login_id)
        page.fill("#password", PASSWORD)
        page.click("form button[type=submit] >> text=로그인")
        page.wait_for_url(re.compile(r"/me$"))
        assert "님, 안녕하세요." in page.locator(".greeting").inner_text()
        assert page.locator("a[data-group=paid] .count").inner_text() == "2"
        assert page.locator("a[data-group=cancelled] .count").inner_text() == "0"  # the failed payment is no cancel
        assert "결제 실패" in page.locator(".latest-orders").inner_text()
        assert _overflow(page) <= 0
        _shot(page, f"me-hub-{device}")

        page.click("a[data-group=paid]")
        page.wait_for_url(re.compile(r"/orders\?status=paid$"))
        assert page.locator("table.orders tbody tr").count() == 2
        _shot(page, f"orders-paid-{device}")

        page.click(f"a[href='/orders/{order.order_no}']")
        page.wait_for_url(re.compile(rf"/orders/{order.order_no}$"))
        assert page.locator(".recipient-name").inner_text() == DELIVERY["recipient_name"]
        assert page.locator(".recipient-phone").inner_text() == DELIVERY["recipient_phone"]
        assert page.locator(".payment-method").inner_text() == "테스트 결제"
        assert page.locator(".order-subtotal").inner_text() == "24,600원"
        assert page.locator(".order-total").inner_text() == "27,600원"
        assert _overflow(page) <= 0
        _shot(page, f"order-{device}")

        page.click(".cancel-order")
        page.wait_for_url(re.compile(rf"/orders/{order.order_no}/cancel$"))
        assert "27,600원" in page.locator(".confirm-summary").inner_text()
        _shot(page, f"order-cancel-confirm-{device}")
        page.select_option("#reason", "late")
        page.click(".confirm-cancel")
        page.wait_for_url(re.compile(rf"/orders/{order.order_no}$"))
        assert page.locator(".order-status").inner_text() == "주문 취소"
        assert "배송 지연" in page.content()
    finally:
        context.close()
