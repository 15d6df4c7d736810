"""Staff area: the catalog — categories, products, stock adjustments and product images.

Permission ``catalog.manage`` (the ``catalog_staff`` role and the privacy officer).
Views parse the form, call ``catalog_admin`` and commit; every change is in the staff
access/change log and is on the shop's pages at once (the page cache reads revisions).
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from .. import inputs, korean
from ..extensions import db
from ..staff import bp, guard
from . import catalog, catalog_admin, notices
from .models import Category, Product

EXPIRED = {"_form": "보안 토큰이 만료되었습니다. 다시 시도해 주세요."}


def _product_or_404(product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None:
        abort(404)
    return product


def _category_or_404(category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None:
        abort(404)
    return category


def _render_product(product, form, errors, status=200, stock_errors=None):
    labels = {c.id: list(c.notice_fields or []) for c in catalog.categories()}
    return render_template("admin/catalog/product.html", product=product, data=form, errors=errors,
                           stock_errors=stock_errors or {}, categories=catalog.categories(), labels=labels,
                           default_labels=notices.preset_fields("other"), csrf=FlaskForm(),
                           adjustments=catalog_admin.adjustments(product.id) if product else []), status


def _product_form(product: Product) -> dict:
    data = {"title": product.title, "description": product.description, "price": str(product.price),
            "category_id": str(product.category_id or ""), "active": product.active, "featured": product.featured}
    data.update({f"notice::{k}": v for k, v in (product.notice or {}).items()})
    return data


@bp.route("/catalog")
@guard.require("catalog.manage")
def catalog_products():
    """Every product (active or not), newest first, with stock and a link to edit it."""
    page = inputs.int_arg(request.args, "page", 1)
    rows, has_next = catalog_admin.all_products(page)
    return render_template("admin/catalog/products.html", products=rows, page=page, has_next=has_next)


@bp.route("/catalog/new", methods=["GET", "POST"])
@guard.require("catalog.manage")
def catalog_product_new():
    """Add a product with its opening stock."""
    if request.method == "GET":
        return _render_product(None, {"active": True, "stock": "0"}, {})
    if not FlaskForm().validate():
        return _render_product(None, request.form, EXPIRED, 400)
    try:
        product = catalog_admin.save_product(None, request.form, guard.current_staff().id)
    except catalog_admin.CatalogError as exc:
        db.session.rollback()
        return _render_product(None, request.form, exc.errors, 400)
    db.session.commit()
    flash(f"'{product.title}'{korean.particle(product.title, '을/를')} 추가했습니다.", "success")
    return redirect(url_for("admin.catalog_product_edit", product_id=product.id))


@bp.route("/catalog/<int:product_id>", methods=["GET", "POST"])
@guard.require("catalog.manage")
def catalog_product_edit(product_id: int):
    """Edit a product's title, description, price, category, 고시 values and whether it is on sale."""
    product = _product_or_404(product_id)
    if request.method == "GET":
        return _render_product(product, _product_form(product), {})
    if not FlaskForm().validate():
        return _render_product(product, request.form, EXPIRED, 400)
    try:
        catalog_admin.save_product(product, request.form, guard.current_staff().id)
    except catalog_admin.CatalogError as exc:
        db.session.rollback()
        return _render_product(_product_or_404(product_id), request.form, exc.errors, 400)
    db.session.commit()
    flash(f"'{product.title}'{korean.particle(product.title, '을/를')} 저장했습니다.", "success")
    return redirect(url_for("admin.catalog_product_edit", product_id=product.id))


@bp.route("/catalog/<int:product_id>/stock", methods=["POST"])
@guard.require("catalog.manage")
def catalog_stock(product_id: int):
    """Add or remove stock with a reason (a conditional UPDATE: a racing purchase is never lost)."""
    product = _product_or_404(product_id)
    if not FlaskForm().validate():
        return _render_product(product, _product_form(product), {}, 400, stock_errors=EXPIRED)
    try:
        entry = catalog_admin.adjust_stock(product, request.form.get("delta"), request.form.get("reason"),
                                           guard.current_staff().id)
    except catalog_admin.CatalogError as exc:
        db.session.rollback()
        product = _product_or_404(product_id)
        return _render_product(product, _product_form(product), {}, 400, stock_errors=exc.errors)
    db.session.commit()
    flash(f"'{product.title}'의 재고를 {entry.delta:+,d}개 조정했습니다(현재 {entry.stock_after:,}개).", "success")
    return redirect(url_for("admin.catalog_product_edit", product_id=product_id))


@bp.route("/catalog/<int:product_id>/image", methods=["POST"])
@guard.require("catalog.manage")
def catalog_image(product_id: int):
    """Upload (or, with ``remove``, drop) the product's image."""
    product = _product_or_404(product_id)
    if not FlaskForm().validate():
        return _render_product(product, _product_form(product), {"image": EXPIRED["_form"]}, 400)
    staff_id = guard.current_staff().id
    try:
        if request.form.get("remove"):
            catalog_admin.remove_image(product, staff_id)
            message = "이미지를 삭제했습니다. 자동으로 만든 그림이 대신 보입니다."
        else:
            upload = request.files.get("image")
            catalog_admin.set_image(product, upload.read() if upload else b"", staff_id)
            message = "이미지를 등록했습니다."
    except catalog_admin.CatalogError as exc:
        db.session.rollback()
        product = _product_or_404(product_id)
        return _render_product(product, _product_form(product), exc.errors, 400)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("admin.catalog_product_edit", product_id=product_id))


@bp.route("/catalog/categories", methods=["GET", "POST"])
@guard.require("catalog.manage")
def catalog_categories():
    """The categories, and a form to add one (its 고시 items from a preset or typed)."""
    errors, status, data = {}, 200, {}
    if request.method == "POST":
        data = request.form
        errors = _save_category(None, "추가했습니다")
        if not errors:
            return redirect(url_for("admin.catalog_categories"))
        status = 400
    return render_template("admin/catalog/categories.html", categories=catalog.categories(), data=data,
                           errors=errors, presets=notices.PRESETS, csrf=FlaskForm()), status


@bp.route("/catalog/categories/<int:category_id>", methods=["GET", "POST"])
@guard.require("catalog.manage")
def catalog_category_edit(category_id: int):
    """Edit a category's name, address, order and 고시 items."""
    category = _category_or_404(category_id)
    errors, status = {}, 200
    data = {"title": category.title, "slug": category.slug, "position": str(category.position),
            "notice_fields": "\n".join(category.notice_fields or [])}
    if request.method == "POST":
        data = request.form
        errors = _save_category(category, "저장했습니다")
        if not errors:
            return redirect(url_for("admin.catalog_categories"))
        category, status = _category_or_404(category_id), 400  # as stored: the failed change was rolled back
    return render_template("admin/catalog/category.html", category=category, data=data, errors=errors,
                           presets=notices.PRESETS, csrf=FlaskForm()), status


def _save_category(category, done: str) -> dict:
    """Save the posted category form (a new one when ``category`` is None): committed and
    flashed ("분류 '…'를 ``done``"), or rolled back with the field errors it returns."""
    if not FlaskForm().validate():
        return EXPIRED
    try:
        saved = catalog_admin.save_category(category, request.form, guard.current_staff().id)
    except catalog_admin.CatalogError as exc:
        db.session.rollback()
        return exc.errors
    db.session.commit()
    flash(f"분류 '{saved.title}'{korean.particle(saved.title, '을/를')} {done}.", "success")
    return {}
