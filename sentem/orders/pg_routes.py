"""The PG window's routes: go to the window, come back (success/fail), and the PG's webhook."""
from __future__ import annotations

import functools

from flask import abort, current_app, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.services import member_required
from ..extensions import csrf
from . import bp, gateways, guest, guest_routes, pgflow, webhooks
from .routes import _own_order

# Toss's SDK window (only for the real Toss API): its script and frames, nothing else.
TOSS_CSP = ("default-src 'self'; script-src 'self' https://js.tosspayments.com; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: https:; frame-src https://*.tosspayments.com; "
            "connect-src 'self' https://*.tosspayments.com; form-action 'self' https://*.tosspayments.com; "
            "frame-ancestors 'none'; base-uri 'self'")


@bp.before_request
def _pg_window_may_follow_checkout():
    """The checkout form's submit ends in the PG's window: the page's CSP must let that redirect through."""
    if request.endpoint in ("orders.checkout_form", "orders.checkout_submit"):
        origin = pgflow.window_origin()
        if origin:
            g.csp_form_targets = (origin,)


def _payer():
    """(member id, actor) of who pays: the member, or a guest (None) in their own browser session."""
    if current_user.is_authenticated:
        return current_user.id, f"member:{current_user.id}"
    return None, guest.ACTOR


def _guest_may_pay(order_id: str) -> bool:
    """A visitor reaches a PG answer only for an order this browser session placed (``guest_routes``)."""
    return (order_id or "").rsplit("-", 1)[0] in session.get(guest_routes.SESSION_KEY, [])


def _member_or_guest(view):
    """Members as before; a visitor only with a guest order open in this session, else the login page."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.is_authenticated or session.get(guest_routes.SESSION_KEY):
            return view(*args, **kwargs)
        return member_required(view)(*args, **kwargs)

    return wrapped


@bp.get("/orders/<order_no>/pay")
@_member_or_guest
def pay(order_no: str):
    order = _own_order(order_no) if current_user.is_authenticated else guest_routes.opened(order_no)
    payment = order.latest_payment
    if (order.status != "pending_payment" or payment is None or payment.status != "pending"
            or not getattr(gateways.by_name(payment.gateway), "redirect", False)):
        return redirect(url_for("orders.detail", order_no=order.order_no))
    success, fail = url_for("orders.toss_success", _external=True), url_for("orders.toss_fail", _external=True)
    window = pgflow.window_for(order, success_url=success, fail_url=fail)
    if window:
        return redirect(window, 303)
    resp = current_app.make_response(render_template(
        "orders/pay.html", order=order, payment=payment, order_name=pgflow.order_name(order), success_url=success,
        fail_url=fail, client_key=current_app.config["SENTEM_TOSS_CLIENT_KEY"]))
    resp.headers["Content-Security-Policy"] = TOSS_CSP
    return resp


def _order_page(order) -> str:
    endpoint = "orders.detail" if order.member_id is not None else "orders.guest_order"
    return url_for(endpoint, order_no=order.order_no)


@bp.get("/payments/toss/success")
@_member_or_guest
def toss_success():
    args = request.args
    member_id, actor = _payer()
    if member_id is None and not _guest_may_pay(args.get("orderId")):
        abort(404)
    try:
        result = pgflow.on_success(member_id, payment_key=(args.get("paymentKey") or "")[:201],
                                   order_id=args.get("orderId") or "", amount=args.get("amount") or "",
                                   actor=actor)
    except pgflow.FlowError as exc:
        flash(_(exc.message), "error")
        if exc.order is not None and exc.order.status == "cancelled":
            return redirect(url_for("shop.cart_view"))
        return redirect(_order_page(exc.order) if exc.order else url_for("orders.index"))
    if result.outcome == "declined":
        flash(result.message, "error")
        return redirect(url_for("shop.cart_view"))
    if result.outcome == "paid":
        flash(_("주문과 결제가 완료되었습니다."), "success")
    else:
        flash(result.message, "error")
    return redirect(_order_page(result.order))


@bp.get("/payments/toss/fail")
@_member_or_guest
def toss_fail():
    member_id, actor = _payer()
    if member_id is None and not _guest_may_pay(request.args.get("orderId")):
        abort(404)
    try:
        order, message = pgflow.on_fail(member_id, order_id=request.args.get("orderId") or "",
                                        code=request.args.get("code") or "", actor=actor)
    except pgflow.FlowError as exc:
        message = exc.message
    else:
        if member_id is None:  # a visitor's goods go back into their cart, as a member's do
            guest_routes.restore_cart(order)
    flash(_(message) + " " + _("장바구니는 그대로 있습니다."), "error")
    return redirect(url_for("shop.cart_view"))


@bp.post("/payments/toss/webhook")
@csrf.exempt  # the PG cannot carry our CSRF token; the body is only a hint, re-fetched from the PG
def toss_webhook():
    if (request.content_length or 0) > webhooks.MAX_BYTES:
        return jsonify(error="too large"), 413
    try:
        order_id = webhooks.parse(request.get_data(cache=False)[:webhooks.MAX_BYTES + 1])
    except webhooks.BadWebhook as exc:
        return jsonify(error=str(exc)), 400
    if order_id is None:
        return jsonify(result="ignored")
    try:
        done = webhooks.handle(order_id)
    except gateways.GatewayUnavailable:
        return jsonify(error="payment gateway unavailable; retry"), 503
    return jsonify(result=done)
