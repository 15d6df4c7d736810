"""Browser journeys (Chromium, CSRF on): a catalog editor adds a category and a product, uploads its
photo and adjusts stock; a shopper sees the product page at 1280 and 390 px. Screenshots go to
tests/artifacts/."""
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.admin.builders import make_staff, totp_now
from tests.orders.builders import make_category, make_product

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_catalog_editor_journey(page, tmp_path):
    st = make_staff("catalog_staff", name="이상품")
    photo = tmp_path / "chair.jpg"
    Image.new("RGB", (1600, 1200), (30, 90, 60)).save(photo, format="JPEG")
    page.goto("/admin/")
    page.fill("#login_id", st[0].login_id)
    page.fill("#password", st[1])
    page.click("button[type=submit]")
    page.fill("#code", totp_now(st[2]))
    page.click("form button[type=submit]")
    page.click("nav.admin-nav >> text=상품 분류")
    page.fill("#title", "아웃도어")
    page.fill("#slug", "outdoor")
    page.select_option("#preset", "sports")
    page.click("text=분류 추가 >> xpath=ancestor-or-self::button")
    expect(page.locator(".flash")).to_contain_text("분류 '아웃도어'를 추가했습니다.")
    page.click("nav.admin-nav >> text=상품 관리")
    page.click("a.button:has-text('상품 추가')")
    page.fill("#title", "접이식 캠핑 의자")
    page.fill("#price", "45000")
    page.fill("#stock", "2")
    page.select_option("#category_id", label="아웃도어")
    page.fill("#description", "1.2kg 초경량 접이식 의자.")
    page.click("form.catalog-form button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("'접이식 캠핑 의자'를 추가했습니다.")
    page.fill("#notice-2", "52×60×70cm, 1.2kg")  # the category's items appear once it has one
    page.click("form.catalog-form button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("저장했습니다")
    page.set_input_files("#image", str(photo))
    page.click("text=이미지 올리기")
    expect(page.locator(".flash")).to_contain_text("이미지를 등록했습니다.")
    page.fill("#delta", "+10")
    page.fill("#reason", "첫 입고")
    page.click("text=재고 조정 >> xpath=ancestor-or-self::button")
    expect(page.locator("#current-stock")).to_have_text("12개")
    expect(page.locator("table", has_text="첫 입고")).to_contain_text("이상품")
    _shot(page, "catalog-editor-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    _no_sideways_scroll(page)
    _shot(page, "catalog-editor-390")


@pytest.mark.parametrize("width", [1280, 390])
def test_product_page_at_desktop_and_phone_width(page, width):
    cat = make_category(title="주방", notice_fields=["품명 및 모델명", "재질", "제조국"])
    product = make_product(title="스테인리스 텀블러", price=25000, stock=4, category_id=cat.id,
                           notice={"재질": "스테인리스강(STS304)", "제조국": "대한민국"})
    make_product(title="나무 도마", price=22000)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/products/{product.id}")
    expect(page.locator("h1")).to_have_text("스테인리스 텀블러")
    expect(page.locator(".product-terms")).to_contain_text("무료배송")
    expect(page.locator(".stock-state")).to_contain_text("재고 5개 이하")
    expect(page.locator(".notice-table")).to_contain_text("스테인리스강(STS304)")
    expect(page.locator("body")).to_contain_text("교환/반품 안내")
    assert page.evaluate("document.querySelector('.product-detail img').naturalWidth") > 0
    _no_sideways_scroll(page)
    _shot(page, f"product-{width}")
    page.goto("/products?sort=price_asc")
    expect(page.locator(".result-count")).to_have_text("상품 2개")
    titles = page.locator(".product-title").all_inner_texts()
    assert titles == ["나무 도마", "스테인리스 텀블러"]
    _no_sideways_scroll(page)
    _shot(page, f"products-{width}")
