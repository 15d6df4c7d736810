"""The shop on a phone (390 px, and 320 px for the narrowest): no page scrolls
sideways, the header folds into a menu button (and stays usable without script),
tables become stacked cards, and keyboard focus is clearly visible."""
from __future__ import annotations

import pytest

from tests.a11y import no_horizontal_overflow, screenshot, sign_in_member, sign_in_staff
from tests.admin.builders import make_staff, totp_now
from tests.builders import PASSWORD, make_member
from tests.orders.builders import make_paid_order, make_product

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def shopper():
    """A member with a paid order, and a product with a long name."""
    member = make_member(name="김모바일")
    order = make_paid_order(member, title="아주 긴 이름의 스테인리스 보온 보냉 텀블러 500ml 대용량 실버")
    product = make_product(title="모바일 머그 컵 세트 (2개입, 도자기, 전자레인지 사용 가능)")
    return member, order, product


def _phone(browser, live_server, **kw):
    return browser.new_context(base_url=live_server.url, locale="ko-KR", viewport=PHONE, **kw)


def _assert_fits(page, path: str, name: str) -> None:
    response = page.goto(path)
    assert response.status == 200, path
    width, inner = no_horizontal_overflow(page)
    screenshot(page, name)
    assert width <= inner, f"{path}: the page is {width} px wide on a {inner} px screen"


def test_no_page_scrolls_sideways_on_a_phone(browser, live_server, shopper):
    member, order, product = shopper
    context = _phone(browser, live_server)
    page = context.new_page()
    _assert_fits(page, "/", "phone-home")
    _assert_fits(page, "/products", "phone-products")
    _assert_fits(page, f"/products/{product.id}", "phone-product")
    sign_in_member(page, member, PASSWORD)
    page.goto(f"/products/{product.id}")
    page.click("text=장바구니에 담기")
    page.wait_for_url("**/cart")
    for path, name in (("/cart", "phone-cart"), ("/checkout", "phone-checkout"), ("/orders", "phone-orders"),
                       (f"/orders/{order.order_no}", "phone-order"), ("/me", "phone-me")):
        _assert_fits(page, path, name)
    page.goto("/orders")
    cell = page.locator("table.orders tbody td").first
    assert cell.get_attribute("data-label") == "주문번호"  # a card says what each value is
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    context.close()

    context = _phone(browser, live_server)
    page = context.new_page()
    sign_in_staff(page, make_staff("order_staff"), totp_now)
    _assert_fits(page, "/admin/orders", "phone-admin-orders")
    context.close()


def test_phone_header_folds_into_a_menu_button(browser, live_server):
    context = _phone(browser, live_server)
    page = context.new_page()
    page.goto("/")
    button = page.get_by_role("button", name="메뉴")
    assert button.is_visible() and button.get_attribute("aria-expanded") == "false"
    products = page.locator("nav.main-nav a", has_text="상품")
    assert not products.is_visible()
    header = page.locator(".header-row").bounding_box()
    assert header["height"] < 70  # one compact line: the brand and the button
    button.click()
    assert button.get_attribute("aria-expanded") == "true" and products.is_visible()
    screenshot(page, "phone-menu-open")
    products.click()
    page.wait_for_url("**/products")
    context.close()

    desktop = browser.new_context(base_url=live_server.url, locale="ko-KR", viewport={"width": 1280, "height": 900})
    page = desktop.new_page()
    page.goto("/")
    assert not page.get_by_role("button", name="메뉴").is_visible()
    assert page.locator("nav.main-nav a", has_text="상품").is_visible()
    screenshot(page, "desktop-home")
    desktop.close()


def test_without_script_the_menu_is_simply_open(browser, live_server):
    context = _phone(browser, live_server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    assert not page.locator(".menu-toggle").is_visible()
    assert page.locator("nav.main-nav a", has_text="주문내역").is_visible()
    assert page.locator(".account-nav a", has_text="로그인").is_visible()
    width, inner = no_horizontal_overflow(page)
    assert width <= inner
    context.close()


def test_wide_tables_scroll_in_their_box_at_320_px(browser, live_server, shopper):
    member, _order, _product = shopper
    context = browser.new_context(base_url=live_server.url, locale="ko-KR", viewport={"width": 320, "height": 640},
                                  java_script_enabled=False)  # no stacking: the scroll boxes alone must hold
    page = context.new_page()
    sign_in_member(page, member, PASSWORD)
    for path in ("/privacy", "/orders", "/me"):
        page.goto(path)
        width, inner = no_horizontal_overflow(page)
        assert width <= inner, f"{path}: {width} px on a {inner} px screen"
    context.close()


def test_keyboard_focus_is_clearly_visible(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "본문 바로가기" and skip.is_visible()
    ring = skip.evaluate("a => { const s = getComputedStyle(a); return [s.outlineStyle, s.outlineWidth]; }")
    assert ring == ["solid", "3px"]
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")  # the next stop is in the content
