"""Guest checkout and 비회원 주문조회 views (thin: parse the form, call ``guest``, render).

A visitor's ``/checkout`` comes here from ``routes``. A guest sees an order only in the
browser session that placed it or gave its order password: the session keeps those
order numbers (``SESSION_KEY``, a few at most), never the password.
"""
from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..i18n import current_lang
from ..security.fields import masked
from ..shop import cart, cart_guest
from . import bp, cancel_views, cancellation, checkout, fulfilment, gateways, guest, guest_records, guest_requests
from .models import CANCEL_REASONS
from .services import CANCELLABLE
from .stock import SoldOut

SESSION_KEY = "guest_orders"
KEEP = 5  # order numbers one browser session may hold open


def _guest_cart():
    found = cart_guest.find(request.cookies.get(cart_guest.COOKIE))
    return cart_guest.owner(found) if found is not None else None


def _remember(order_no: str) -> None:
    seen = [n for n in session.get(SESSION_KEY, []) if n != order_no]
    session[SESSION_KEY] = (seen + [order_no])[-KEEP:]


def opened(order_no: str):
    """The guest order this session placed or unlocked, or 404."""
    order = guest.by_number(order_no) if order_no in session.get(SESSION_KEY, []) else None
    if order is None:
        abort(404)
    return order


def _render(form: dict, token: str, owner, errors: dict | None = None, status: int = 200):
    items = cart.items(owner) if owner is not None else []
    subtotal = cart.total(items)
    fee = checkout.shipping_fee(subtotal)
    return render_template("orders/checkout.html", form=form, token=token, errors=errors or {}, items=items,
                           subtotal=subtotal, fee=fee, total=subtotal + fee, methods=gateways.available_methods(),
                           guest_consent=guest_records.consent_view(current_lang())), status


def checkout_form():
    owner = _guest_cart()
    if owner is None or not cart.items(owner):
        flash(_("장바구니가 비어 있습니다."), "error")
        return redirect(url_for("shop.cart_view"))
    methods = gateways.available_methods()
    form = dict.fromkeys(checkout.DELIVERY_FIELDS + guest.ORDERER_FIELDS, "")
    form.update(payment_method=methods[0][0] if methods else "", test_outcome="approve")
    return _render(form, checkout.issue_token(None), owner)


def checkout_submit():
    fields = checkout.DELIVERY_FIELDS + guest.ORDERER_FIELDS
    form = {k: (request.form.get(k) or "").strip()[:200] for k in fields}
    form["payment_method"] = (request.form.get("payment_method") or "").strip()[:20]
    form["test_outcome"] = (request.form.get("test_outcome") or "approve").strip()[:10]
    secret = {k: (request.form.get(k) or "")[:200] for k in ("order_password", "order_password_confirm")}
    token = (request.form.get("checkout_token") or "").strip()[:64]
    owner = _guest_cart()
    errors = checkout.validate_delivery({k: form[k] for k in checkout.DELIVERY_FIELDS})
    orderer, orderer_errors = guest.validate({**form, **secret, guest.CONSENT_FIELD: request.form.get(
        guest.CONSENT_FIELD)})
    errors.update(orderer_errors)
    if form["payment_method"] not in dict(gateways.available_methods()):
        errors["payment_method"] = _("결제 수단을 선택해 주세요.")
    if errors:
        return _render(form, token, owner, errors, 400)
    try:
        result = guest.place(owner if owner is not None else cart_guest.NOBODY, orderer, token=token,
                             delivery={k: form[k] for k in checkout.DELIVERY_FIELDS},
                             payment_method=form["payment_method"],
                             payment_params={"test_outcome": form["test_outcome"]})
    except SoldOut as exc:
        flash(exc.message, "error")
        return redirect(url_for("shop.cart_view"))
    except checkout.CheckoutError as exc:
        if exc.errors:
            return _render(form, token, owner, exc.errors, 400)
        flash(_(exc.message), "error")
        return redirect(url_for("shop.cart_view"))
    order = result.order
    if result.outcome == "declined":
        restore_cart(order)
        flash(result.message, "error")
        return redirect(url_for("shop.cart_view"))
    _remember(order.order_no)
    if result.outcome == "redirect":
        return redirect(url_for("orders.pay", order_no=order.order_no), 303)
    if result.outcome == "unknown":
        flash(_(result.message), "error")
    elif result.outcome == "replay":
        flash(_("이미 접수된 주문입니다. 같은 주문서로 다시 결제되지 않았습니다."), "info")
    else:
        flash(_("주문과 결제가 완료되었습니다. 주문번호와 주문 비밀번호로 비회원 주문조회를 할 수 있습니다."), "success")
    return redirect(url_for("orders.guest_order", order_no=order.order_no))


def restore_cart(order) -> None:
    """A declined guest order's goods go back into the visitor's cart for another try (commits)."""
    owner = _guest_cart()
    if owner is not None and order.status == "cancelled":
        cart.restore(owner, {line.product_id: line.quantity for line in order.lines if line.product_id})
        db.session.commit()


@bp.route("/guest/orders", methods=["GET", "POST"])
def guest_lookup():
    error, status, order_no = None, 200, ""
    if request.method == "POST":
        order_no = (request.form.get("order_no") or "").strip()[:40]
        try:
            order = guest.find(order_no, (request.form.get("order_password") or "")[:200])
        except guest.LookupRefused as exc:
            error, status = _(exc.message), 401
        else:
            _remember(order.order_no)
            return redirect(url_for("orders.guest_order", order_no=order.order_no))
    return render_template("guest/lookup.html", error=error, order_no=order_no), status


@bp.get("/guest/orders/<order_no>")
def guest_order(order_no: str):
    order = opened(order_no)
    row = guest.orderer_of(order)
    orderer = f"{masked(row, 'orderer_name')} · {masked(row, 'orderer_phone')}" if row else ""
    return render_template("guest/order.html", order=order, orderer=orderer,
                           tracking=fulfilment.port().tracking(order), can_cancel=order.status in CANCELLABLE,
                           can_return=cancellation.can_return(order),
                           return_deadline=cancellation.return_deadline(order), reasons=CANCEL_REASONS,
                           requests=guest_requests.of_order(order.order_no))


@bp.get("/guest/orders/<order_no>/export.json")
def guest_export(order_no: str):
    """The guest's copy of everything held about the order (열람), as a download."""
    order = opened(order_no)
    body = json.dumps(guest_requests.copy(order, guest.orderer_of(order)), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="guest-order-{order.order_no}.json"',
        "Cache-Control": "no-store"})


@bp.post("/guest/orders/<order_no>/deletion")
def guest_deletion(order_no: str):
    """Ask for deletion: done at once where the law allows, else answered by staff in time."""
    order = opened(order_no)
    try:
        req = guest_requests.request_deletion(order)
    except guest_requests.RequestError as exc:
        flash(_(str(exc)), "error")
    else:
        if req.outcome == "done":
            flash(_("주문자 정보를 파기했습니다."), "success")
        else:
            flash(_("삭제 요청을 접수했습니다. 거래 기록은 법에 따라 보존해야 할 수 있으며, "
                    "%(days)s일 안에 답변드립니다.", days=guest_requests.RIGHTS_ANSWER_DAYS), "info")
    return redirect(url_for("orders.guest_order", order_no=order.order_no))


@bp.post("/guest/orders/<order_no>/cancel")
def guest_cancel(order_no: str):
    order = opened(order_no)
    cancel_views.cancel_and_tell(order, guest.ACTOR)
    return redirect(url_for("orders.guest_order", order_no=order.order_no))


@bp.post("/guest/orders/<order_no>/return")
def guest_return(order_no: str):
    order = opened(order_no)
    cancel_views.return_and_tell(order, guest.ACTOR)
    return redirect(url_for("orders.guest_order", order_no=order.order_no))
