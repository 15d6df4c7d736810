"""Catalog management by staff: who may, what is validated, what is logged, and that the
shop shows every edit at once (the anonymous page cache included)."""
from html import unescape

import pytest

from sentem.extensions import db
from sentem.privacy.access_log import AccessLogEntry
from sentem.shop.models import Category, Product, StockAdjustment
from tests.admin.builders import make_staff, staff_login
from tests.orders.builders import make_category, make_product


@pytest.fixture
def editor(client):
    staff = make_staff("catalog_staff", name="김상품")
    staff_login(client, staff)
    return staff[0]


def _log(action: str) -> list[AccessLogEntry]:
    return list(db.session.execute(db.select(AccessLogEntry).filter_by(action=action)
                                   .order_by(AccessLogEntry.seq)).scalars())


def _text(resp) -> str:
    return unescape(resp.get_data(as_text=True))


def test_only_catalog_staff_and_the_privacy_officer_manage_the_catalog(app):
    for role, code in (("catalog_staff", 200), ("privacy_officer", 200), ("order_staff", 403), ("auditor", 403)):
        client = app.test_client()
        staff_login(client, make_staff(role))
        assert client.get("/admin/catalog").status_code == code, role
        menu = client.get("/admin/dashboard").get_data(as_text=True)
        assert ("상품 관리" in menu) == (code == 200), role
    anonymous = app.test_client().get("/admin/catalog")
    assert anonymous.status_code in (302, 303) and "/admin/login" in anonymous.headers["Location"]


def test_a_category_from_a_preset_and_a_product_with_its_notice(client, editor):
    resp = client.post("/admin/catalog/categories", data={"title": "주방", "slug": "kitchen", "position": "1",
                                                          "preset": "kitchen", "notice_fields": ""})
    assert resp.status_code == 302
    cat = db.session.execute(db.select(Category).filter_by(slug="kitchen")).scalar_one()
    assert cat.notice_fields[:2] == ["품명 및 모델명", "재질"]
    resp = client.post("/admin/catalog/new", data={
        "title": "스테인리스 텀블러", "price": "25,000", "stock": "30", "category_id": str(cat.id),
        "description": "보온 6시간", "active": "1", "notice::재질": "스테인리스강(STS304)", "notice::제조국": "대한민국"})
    assert resp.status_code == 302
    flash = _text(client.get(resp.headers["Location"]))
    assert "'스테인리스 텀블러'를 추가했습니다" in flash
    product = db.session.execute(db.select(Product).filter_by(title="스테인리스 텀블러")).scalar_one()
    assert (product.price, product.stock, product.notice["재질"]) == (25000, 30, "스테인리스강(STS304)")
    page = _text(client.get(f"/products/{product.id}"))
    assert "상품정보제공고시" in page and "스테인리스강(STS304)" in page and "대한민국" in page
    assert "상품 상세 설명 참조" in page  # the kitchen items left blank are explained, not hidden
    created = _log("catalog.product.create")
    assert len(created) == 1 and created[0].staff_id == editor.id and "스테인리스 텀블러" in created[0].detail
    assert len(_log("catalog.category.create")) == 1


def test_a_price_change_is_on_every_cached_page_at_once(app, client, editor):
    product = make_product(title="캐시 머그", price=10000, stock=10)
    visitor = app.test_client()  # anonymous, no cookie: served by the page cache's WSGI layer
    for url in ("/products", f"/products/{product.id}", "/"):
        visitor.get(url)
    assert "10,000원" in visitor.get(f"/products/{product.id}").get_data(as_text=True)
    resp = client.post(f"/admin/catalog/{product.id}", data={"title": "캐시 머그", "price": "12500",
                                                             "description": "", "active": "1"})
    assert resp.status_code == 302
    assert "12,500원" in visitor.get(f"/products/{product.id}").get_data(as_text=True)
    assert "12,500원" in visitor.get("/products").get_data(as_text=True)
    entry = _log("catalog.product.update")[-1]
    assert "가격 10000→12500" in entry.detail and entry.staff_id == editor.id
    # Taken off sale: gone from the list and the page at once.
    client.post(f"/admin/catalog/{product.id}", data={"title": "캐시 머그", "price": "12500", "description": ""})
    assert visitor.get(f"/products/{product.id}").status_code == 404
    assert "캐시 머그" not in visitor.get("/products").get_data(as_text=True)


@pytest.mark.parametrize("form, field_message", [
    ({"title": "", "price": "1000"}, "상품명을 입력해 주세요."),
    ({"title": "가" * 121, "price": "1000"}, "상품명은 120자 이내로"),
    ({"title": "컵", "price": "-5"}, "가격은 0부터 100,000,000까지의 숫자로"),
    ({"title": "컵", "price": "1e9"}, "가격은 0부터"),
    ({"title": "컵", "price": "99999999999999999999"}, "가격은 0부터"),
    ({"title": "컵", "price": "1000", "stock": "abc"}, "처음 재고는 0부터"),
    ({"title": "컵", "price": "1000", "category_id": "999999"}, "분류를 목록에서 골라 주세요."),
    ({"title": "컵", "price": "1000", "category_id": "x"}, "분류를 목록에서 골라 주세요."),
])
def test_bad_product_input_is_refused_in_korean_and_nothing_is_written(client, editor, form, field_message):
    resp = client.post("/admin/catalog/new", data=form)
    assert resp.status_code == 400
    assert field_message in _text(resp)
    assert db.session.execute(db.select(db.func.count()).select_from(Product)).scalar_one() == 0
    assert _log("catalog.product.create") == []


def test_bad_category_input_is_refused(client, editor):
    make_category(slug="cups", title="컵")
    for form, message in (({"title": "접시", "slug": "cups"}, "이미 쓰이는 주소 이름"),
                          ({"title": "접시", "slug": "접시"}, "영문 소문자"),
                          ({"title": "", "slug": "plates"}, "분류 이름을 입력해 주세요."),
                          ({"title": "접시", "slug": "plates", "notice_fields": "\n".join(map(str, range(30)))},
                           "20개까지")):
        resp = client.post("/admin/catalog/categories", data=form)
        assert resp.status_code == 400 and message in _text(resp), form
    assert client.get("/admin/catalog/categories/999999").status_code == 404
    assert client.get("/admin/catalog/999999").status_code == 404


def test_stock_adjustments_record_reason_and_actor(client, editor):
    product = make_product(title="나무 도마", stock=3)
    resp = client.post(f"/admin/catalog/{product.id}/stock", data={"delta": "+20", "reason": "3월 입고"})
    assert resp.status_code == 302
    assert "재고를 +20개 조정했습니다(현재 23개)" in _text(client.get(resp.headers["Location"]))
    refused = client.post(f"/admin/catalog/{product.id}/stock", data={"delta": "-24", "reason": "파손"})
    assert refused.status_code == 400 and "재고보다 많이 뺄 수 없습니다" in _text(refused)
    for form, message in (({"delta": "0", "reason": "x"}, "0이 아닌 숫자로"), ({"delta": "abc", "reason": "x"},
                          "0이 아닌 숫자로"), ({"delta": "5", "reason": " "}, "사유를 입력해 주세요.")):
        resp = client.post(f"/admin/catalog/{product.id}/stock", data=form)
        assert resp.status_code == 400 and message in _text(resp)
    db.session.expire_all()
    assert db.session.get(Product, product.id).stock == 23
    rows = db.session.execute(db.select(StockAdjustment)).scalars().all()
    assert [(r.delta, r.stock_after, r.reason, r.staff_id) for r in rows] == [(20, 23, "3월 입고", editor.id)]
    page = _text(client.get(f"/admin/catalog/{product.id}"))
    assert "3월 입고" in page and "김상품" in page
    log = _log("catalog.stock.adjust")
    assert len(log) == 1 and log[0].reason == "3월 입고" and "+20 → 23" in log[0].detail
