"""The PG window's routes: go to the window, come back (success/fail), and the PG's webhook."""
from __future__ import annotations

from flask import current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.services import member_required
from ..extensions import csrf
from . import bp, gateways, pgflow, webhooks
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


@bp.get("/orders/<order_no>/pay")
@member_required
def pay(order_no: str):
    order = _own_order(order_no)
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


@bp.get("/payments/toss/success")
@member_required
def toss_success():
    args = request.args
    try:
        result = pgflow.on_success(current_user.id, payment_key=(args.get("paymentKey") or "")[:201],
                                   order_id=args.get("orderId") or "", amount=args.get("amount") or "",
                                   actor=f"member:{current_user.id}")
    except pgflow.FlowError as exc:
        flash(_(exc.message), "error")
        if exc.order is not None and exc.order.status == "cancelled":
            return redirect(url_for("shop.cart_view"))
        return redirect(url_for("orders.detail", order_no=exc.order.order_no) if exc.order else url_for("orders.index"))
    if result.outcome == "declined":
        flash(result.message, "error")
        return redirect(url_for("shop.cart_view"))
    if result.outcome == "paid":
        flash(_("주문과 결제가 완료되었습니다."), "success")
    else:
        flash(result.message, "error")
    return redirect(url_for("orders.detail", order_no=result.order.order_no))


@bp.get("/payments/toss/fail")
@member_required
def toss_fail():
    try:
        _order, message = pgflow.on_fail(current_user.id, order_id=request.args.get("orderId") or "",
                                         code=request.args.get("code") or "", actor=f"member:{current_user.id}")
    except pgflow.FlowError as exc:
        message = exc.message
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
