"""Catalog, cart and home page views (thin: parse, call a service, render)."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import inputs
from .. import korean
from . import bp, cart, catalog, images, notices, placeholder as placeholder_image, settings
from ..accounts.services import member_required
from .pagecache import anonymous_cached

LOW_STOCK = 5  # at or below this many, the page says 재고 n개 이하 (one line: a shopper decides sooner)


@bp.get("/")
@anonymous_cached
def home():
    return render_template("shop/home.html", products=catalog.featured(), categories=catalog.categories())


@bp.get("/products")
@anonymous_cached
def products():
    q = (request.args.get("q") or "").strip()[:50]
    category = catalog.category_by_slug(request.args.get("category"))
    page = catalog.search(q, category, inputs.int_arg(request.args, "page", 1),
                          sort=catalog.sort_key(request.args.get("sort")))
    return render_template("shop/products.html", page=page, q=q, category=category,
                           categories=catalog.categories(), sorts=catalog.SORTS)


@bp.get("/products/<int:product_id>")
@anonymous_cached
def product(product_id: int):
    p = catalog.get_active(product_id)
    if p is None:
        abort(404)
    fee, free_over = settings.shipping_terms()
    return render_template("shop/product.html", product=p, fee=fee, free_over=free_over,
                           returns=settings.return_terms(), notice_rows=notices.rows(p.category, p),
                           low_stock=LOW_STOCK)


@bp.get("/products/<int:product_id>/image.svg")
def placeholder(product_id: int):
    p = catalog.get_active(product_id)
    if p is None:
        abort(404)
    resp = make_response(placeholder_image.svg(p))
    resp.headers["Content-Type"] = "image/svg+xml"
    resp.headers["Cache-Control"] = "public, max-age=86400"
    return resp


@bp.get("/products/<int:product_id>/image/<size>.webp")
def image(product_id: int, size: str):
    """An uploaded image at ``listing`` or ``detail`` size; the URL carries its revision (``?v=``)."""
    if size not in images.SIZES or catalog.get_active(product_id) is None:
        abort(404)
    found = images.load(product_id, size)
    if found is None:
        abort(404)
    data, mimetype = found
    resp = make_response(data)
    resp.headers["Content-Type"] = mimetype
    resp.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return resp


@bp.get("/cart")
@member_required
def cart_view():
    items = cart.items(current_user.id)
    return render_template("shop/cart.html", items=items, total=cart.total(items), problems=cart.problems(items))


def _back_to_product():
    number = inputs.parse_int(request.form.get("product_id"), lo=1)
    return f"/products/{number}" if number is not None else "/products"


@bp.post("/cart/add")
@member_required(next_url=lambda: _back_to_product())
def cart_add():
    try:
        item = cart.add(current_user.id, request.form.get("product_id"), request.form.get("quantity", "1"))
    except cart.CartError as exc:
        flash(_(str(exc)), "error")
        number = inputs.parse_int(request.form.get("product_id"), lo=1)
        exists = number is not None and catalog.get_active(number) is not None
        return redirect(f"/products/{number}" if exists else "/cart")
    flash(_("'%(title)s'%(particle)s 장바구니에 담았습니다.", title=item.product.title,
            particle=korean.particle(item.product.title, "을/를")), "success")
    return redirect(url_for("shop.cart_view"))


@bp.post("/cart/update")
@member_required(next_url=lambda: "/cart")
def cart_update():
    try:
        cart.set_quantity(current_user.id, request.form.get("product_id"), request.form.get("quantity"))
        flash(_("수량을 바꿨습니다."), "success")
    except cart.CartError as exc:
        flash(_(str(exc)), "error")
    return redirect(url_for("shop.cart_view"))


@bp.post("/cart/remove")
@member_required(next_url=lambda: "/cart")
def cart_remove():
    try:
        cart.remove(current_user.id, request.form.get("product_id"))
        flash(_("장바구니에서 뺐습니다."), "success")
    except cart.CartError as exc:
        flash(_(str(exc)), "error")
    return redirect(url_for("shop.cart_view"))


@bp.app_context_processor
def _cart_count():
    def cart_count():
        return cart.count(current_user.id) if current_user.is_authenticated else 0

    return {"cart_count": cart_count}
