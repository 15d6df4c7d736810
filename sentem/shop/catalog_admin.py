"""Catalog management for staff: categories, products, stock adjustments and images.

Each function validates what a form sent (Korean messages per field in
``CatalogError.errors``), changes the catalog in the caller's transaction and writes
one row of the staff access/change log saying who changed what. The ORM change of a
product or category bumps its revision and the catalog's version (``models``), so the
anonymous page cache serves the change at once. Stock is never set from a form: an
adjustment is a conditional UPDATE (``inventory.adjust``) that a purchase cannot race.
"""
from __future__ import annotations

import re

from sqlalchemy import select

from .. import inputs, korean
from ..extensions import db
from ..privacy import access_log
from . import images, inventory, notices
from .models import Category, Product, StockAdjustment

MAX_PRICE = 100_000_000
MAX_STOCK = 1_000_000
MAX_TITLE = 120
MAX_DESCRIPTION = 5000
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


class CatalogError(ValueError):
    """Input the catalog refuses; ``errors`` maps form fields to Korean messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _amount(raw, field: str, label: str, hi: int, errors: dict, lo: int = 0) -> int | None:
    value = inputs.parse_int(str(raw or "").replace(",", "").strip(), lo=lo, hi=hi)
    if value is None:
        errors[field] = f"{korean.attach(label, '은/는')} {lo:,}부터 {hi:,}까지의 숫자로 입력해 주세요."
    return value


def _text(raw, field: str, label: str, limit: int, errors: dict, required: bool = True) -> str:
    text = (raw or "").strip()
    if required and not text:
        errors[field] = f"{korean.attach(label, '을/를')} 입력해 주세요."
    elif len(text) > limit:
        errors[field] = f"{korean.attach(label, '은/는')} {limit}자 이내로 입력해 주세요."
    return text


def save_category(category: Category | None, form: dict, staff_id: int) -> Category:
    """Create (``category`` None) or edit a category from ``form`` (title, slug, position, notice_fields)."""
    errors: dict[str, str] = {}
    title = _text(form.get("title"), "title", "분류 이름", 80, errors)
    slug = (form.get("slug") or "").strip().lower()
    if not SLUG.fullmatch(slug):
        errors["slug"] = "주소 이름은 영문 소문자, 숫자, 하이픈(-)으로 40자 이내로 입력해 주세요."
    elif db.session.execute(select(Category.id).where(Category.slug == slug,
                                                      Category.id != (category.id if category else 0))).first():
        errors["slug"] = "이미 쓰이는 주소 이름입니다. 다른 이름을 입력해 주세요."
    position = _amount(form.get("position") or "0", "position", "순서", 10_000, errors)
    try:
        labels = notices.parse_labels(form.get("notice_fields") or "")
        if not labels and form.get("preset"):
            labels = notices.preset_fields(form.get("preset"))
    except ValueError as exc:
        errors["notice_fields"] = str(exc)
    if errors:
        raise CatalogError(errors)
    created = category is None
    if created:
        category = Category(slug=slug, title=title, position=position, notice_fields=labels)
        db.session.add(category)
    else:
        category.slug, category.title, category.position, category.notice_fields = slug, title, position, labels
    db.session.flush()
    access_log.record("catalog.category." + ("create" if created else "update"), staff_id=staff_id,
                      detail=f"분류 {category.id} '{title}' ({slug}) {'추가' if created else '수정'}")
    return category


def _changes(product: Product, new: dict) -> str:
    names = {"title": "이름", "price": "가격", "active": "판매", "category_id": "분류", "description": "설명",
             "notice": "고시 정보", "featured": "추천"}
    out = []
    for key, label in names.items():
        old = getattr(product, key)
        if old != new[key]:
            out.append(f"{label} {old}→{new[key]}" if key in ("price", "active", "category_id", "featured")
                       else f"{label} 변경")
    return ", ".join(out) or "변경 없음"


def save_product(product: Product | None, form: dict, staff_id: int) -> Product:
    """Create (``product`` None, with its opening stock) or edit a product from ``form``.

    Fields: title, description, price, category_id, active, featured, stock (creation
    only) and ``notice::<label>`` for each of the category's 고시 items.
    """
    errors: dict[str, str] = {}
    new = {"title": _text(form.get("title"), "title", "상품명", MAX_TITLE, errors),
           "description": _text(form.get("description"), "description", "설명", MAX_DESCRIPTION, errors,
                                required=False),
           "price": _amount(form.get("price"), "price", "가격", MAX_PRICE, errors),
           "active": bool(form.get("active")), "featured": bool(form.get("featured"))}
    category = None
    raw_cat = (form.get("category_id") or "").strip()
    if raw_cat:
        cat_id = inputs.parse_int(raw_cat, lo=1)
        category = db.session.get(Category, cat_id) if cat_id is not None else None
        if category is None:
            errors["category_id"] = "분류를 목록에서 골라 주세요."
    new["category_id"] = category.id if category else None
    labels = list(category.notice_fields or []) if category else notices.preset_fields("other")
    notice = {}
    for label in labels:
        value = " ".join(str(form.get(f"notice::{label}") or "").split())
        if len(value) > notices.MAX_VALUE:
            errors[f"notice::{label}"] = f"{label}: {notices.MAX_VALUE}자 이내로 입력해 주세요."
        elif value:
            notice[label] = value
    new["notice"] = notice
    stock = _amount(form.get("stock") or "0", "stock", "처음 재고", MAX_STOCK, errors) if product is None else None
    if errors:
        raise CatalogError(errors)
    if product is None:
        product = Product(stock=stock, **new)
        db.session.add(product)
        db.session.flush()
        detail = f"상품 {product.id} '{new['title']}' 추가 (가격 {new['price']:,}원, 재고 {stock})"
        access_log.record("catalog.product.create", staff_id=staff_id, detail=detail)
        return product
    detail = f"상품 {product.id} '{product.title}' 수정: {_changes(product, new)}"
    for key, value in new.items():
        setattr(product, key, value)
    db.session.flush()
    access_log.record("catalog.product.update", staff_id=staff_id, detail=detail)
    return product


def adjust_stock(product: Product, raw_delta, raw_reason, staff_id: int) -> StockAdjustment:
    """Add or remove stock (e.g. "+20 입고", "-2 파손"), with a reason; CatalogError when refused."""
    errors: dict[str, str] = {}
    delta = inputs.parse_int(str(raw_delta or "").replace(",", "").strip(), lo=-MAX_STOCK, hi=MAX_STOCK)
    if delta is None or delta == 0:
        errors["delta"] = "바꿀 수량을 +20, -3처럼 0이 아닌 숫자로 입력해 주세요."
    reason = _text(raw_reason, "reason", "사유", 200, errors)
    if errors:
        raise CatalogError(errors)
    entry = inventory.adjust(product.id, delta, reason, staff_id)
    if entry is None:
        raise CatalogError({"delta": "재고보다 많이 뺄 수 없습니다. 현재 재고를 확인하고 다시 입력해 주세요."})
    access_log.record("catalog.stock.adjust", staff_id=staff_id, reason=reason,
                      detail=f"상품 {product.id} '{product.title}' 재고 {delta:+d} → {entry.stock_after}")
    return entry


def set_image(product: Product, data: bytes, staff_id: int) -> None:
    """Make ``data`` the product's image (validated and re-encoded); CatalogError when it is not an image."""
    try:
        images.store(product, data)
    except images.ImageRejected as exc:
        raise CatalogError({"image": str(exc)}) from None
    db.session.flush()
    access_log.record("catalog.image.upload", staff_id=staff_id,
                      detail=f"상품 {product.id} '{product.title}' 이미지 등록 ({len(data):,} bytes)")


def remove_image(product: Product, staff_id: int) -> None:
    """Drop the uploaded image (the generated picture shows again)."""
    images.remove(product)
    db.session.flush()
    access_log.record("catalog.image.remove", staff_id=staff_id, detail=f"상품 {product.id} '{product.title}' 이미지 삭제")


def adjustments(product_id: int, limit: int = 30) -> list[StockAdjustment]:
    """The product's latest stock adjustments, newest first."""
    return list(db.session.execute(select(StockAdjustment).where(StockAdjustment.product_id == product_id)
                                   .order_by(StockAdjustment.id.desc()).limit(limit)).scalars())


def all_products(page: int = 1, per_page: int = 50) -> tuple[list[Product], bool]:
    """Every product (active or not) for the staff list, newest first; (rows, has_next)."""
    page = min(max(page, 1), 10_000)
    rows = list(db.session.execute(select(Product).order_by(Product.id.desc())
                                   .offset((page - 1) * per_page).limit(per_page + 1)).scalars().unique())
    return rows[:per_page], len(rows) > per_page
