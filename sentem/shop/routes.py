"""Catalog, cart and home page views (thin: parse, call a service, render)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (abort, after_this_request, current_app, flash, has_request_context, make_response, redirect,
                   render_template, request, url_for)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from .. import inputs
from .. import korean
from ..extensions import csrf
from . import bp, cart, cart_guest, catalog, images, notices, placeholder as placeholder_image, settings
from .pagecache import cached_page

LOW_STOCK = 5  # at or below this many, the page says 재고 n개 이하 (one line: a shopper decides sooner)

@bp.get("/")
@cached_page
def home():
    return render_template("shop/home.html", products=catalog.featured(), categories=catalog.categories())


@bp.get("/products")
@cached_page
def products():
    q = (request.args.get("q") or "").strip()[:50]
    category = catalog.category_by_slug(request.args.get("category"))
    page = catalog.search(q, category, inputs.int_arg(request.args, "page", 1),
                          sort=catalog.sort_key(request.args.get("sort")))
    return render_template("shop/products.html", page=page, q=q, category=category,
                           categories=catalog.categories(), sorts=catalog.SORTS)


@bp.get("/products/<int:product_id>")
@cached_page
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


def _owner():
    """Whose cart this request shows: the member's, else the visitor's cookie cart (None: none yet)."""
    if current_user.is_authenticated:
        return current_user.id
    found = cart_guest.find(request.cookies.get(cart_guest.COOKIE))
    return cart_guest.owner(found) if found is not None else None


def _set_cart_cookie(response, token: str):
    response.set_cookie(cart_guest.COOKIE, token, max_age=int(cart_guest.lifetime().total_seconds()),
                        httponly=True, samesite="Lax", secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


def _same_origin_or_refuse() -> None:
    """A visitor's add comes from a cached page without a token: accept only our own pages' posts.

    Browsers send ``Origin`` (or at least ``Referer``) with a form POST; a post from another
    site is refused like a bad token. The cart cookie (SameSite=Lax) is not even sent with it.
    """
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    source = request.headers.get("Origin") or request.referrer or ""
    # The host alone: behind a TLS-terminating proxy the app may see http while the browser says https.
    if not source or urlsplit(source).netloc != request.host:
        raise CSRFError("The request did not come from this site.")


@bp.get("/cart")
def cart_view():
    owner = _owner()
    items = cart.items(owner) if owner is not None else []
    return render_template("shop/cart.html", items=items, total=cart.total(items), problems=cart.problems(items))


def _back_to_product():
    number = inputs.parse_int(request.form.get("product_id"), lo=1)
    return f"/products/{number}" if number is not None else "/products"


@bp.post("/cart/add")
def cart_add():
    """Members and visitors alike (CSRF-exempt in ``init_app``: checked here, see ``_same_origin_or_refuse``)."""
    product_id, quantity = request.form.get("product_id"), request.form.get("quantity", "1")
    token = None
    try:
        if current_user.is_authenticated:
            if current_app.config.get("WTF_CSRF_ENABLED", True):
                csrf.protect()
            item = cart.add(current_user.id, product_id, quantity)
        else:
            _same_origin_or_refuse()
            item, token = cart_guest.add(request.cookies.get(cart_guest.COOKIE), product_id, quantity)
    except cart.CartError as exc:
        flash(_(str(exc)), "error")
        return redirect(_back_to_product() if catalog.get_active(inputs.parse_int(product_id, lo=1) or 0) else "/cart")
    flash(_("'%(title)s'%(particle)s 장바구니에 담았습니다.", title=item.product.title,
            particle=korean.particle(item.product.title, "을/를")), "success")
    response = redirect(url_for("shop.cart_view"))
    return _set_cart_cookie(response, token) if token else response


def _change(action, done: str):
    owner = _owner()
    try:
        if owner is None:
            raise cart.CartError("장바구니에 없는 상품입니다.")
        action(owner)
        flash(_(done), "success")
    except cart.CartError as exc:
        flash(_(str(exc)), "error")
    return redirect(url_for("shop.cart_view"))


@bp.post("/cart/update")
def cart_update():
    return _change(lambda o: cart.set_quantity(o, request.form.get("product_id"), request.form.get("quantity")),
                   "수량을 바꿨습니다.")


@bp.post("/cart/remove")
def cart_remove():
    return _change(lambda o: cart.remove(o, request.form.get("product_id")), "장바구니에서 뺐습니다.")


def merge_guest_cart_at_login(_app, user=None, **_extra) -> None:
    """``user_logged_in``: move the visitor's cart into the member's, and forget the cookie."""
    if user is None or not has_request_context():
        return
    token = request.cookies.get(cart_guest.COOKIE)
    if not token:
        return
    cart_guest.merge(token, user.id)

    @after_this_request
    def _forget(response):
        response.delete_cookie(cart_guest.COOKIE, httponly=True, samesite="Lax",
                               secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
        return response


@bp.app_context_processor
def _cart_count():
    def cart_count():
        owner = _owner()
        return cart.count(owner) if owner is not None else 0

    return {"cart_count": cart_count}
