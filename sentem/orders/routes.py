"""Checkout and order views (thin: parse the form, call a service, render)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from .. import inputs
from ..accounts.services import member_required
from ..extensions import db
from ..shop import cart
from . import bp, cancel_views, cancellation, checkout, fulfilment, gateways, guest_routes, numbers, payments, summary
from .models import CANCEL_REASONS, Order
from .services import CANCELLABLE, find_for_member
from .stock import SoldOut

PAGE_SIZE = 20
# The order page shows lines, payments, history and cancellations: the first three come with
# the order in one query (a handful of rows each, so the join stays small), cancellations
# in a second — not one lazy query per collection.
DETAIL_LOADS = (joinedload(Order.lines), joinedload(Order.payments), joinedload(Order.events),
                selectinload(Order.cancellations))


def _own_order(order_no: str, *options) -> Order:
    """The logged-in member's order, or 404 (someone else's looks exactly like none)."""
    order = find_for_member(order_no, current_user.id, *options) if numbers.is_valid(order_no) else None
    if order is None:
        abort(404)
    return order


def _actor() -> str:
    return f"member:{current_user.id}"


def _prefill() -> dict:
    """The member's default address, else their profile, for the checkout form."""
    data = dict.fromkeys(checkout.DELIVERY_FIELDS, "")
    address = fulfilment.port().prefill(current_user.id)
    if address:
        data.update({k: address.get(k) or "" for k in checkout.DELIVERY_FIELDS if k in address})
    else:
        m = current_user
        data.update(recipient_name=m.name or "", recipient_phone=m.mobile or "", postcode=m.postcode or "",
                    address1=m.address1 or "", address2=m.address2 or "")
    return data


def _render_checkout(form: dict, token: str, errors: dict | None = None, status: int = 200, items=None):
    items = cart.items(current_user.id) if items is None else items
    subtotal = cart.total(items)
    fee = checkout.shipping_fee(subtotal)
    return render_template("orders/checkout.html", form=form, token=token, errors=errors or {}, items=items,
                           subtotal=subtotal, fee=fee, total=subtotal + fee,
                           methods=gateways.available_methods()), status


@bp.get("/checkout")
def checkout_form():
    if not current_user.is_authenticated:
        return guest_routes.checkout_form()
    refused = checkout.refusal(current_user)
    if refused:
        flash(_(refused), "error")
        return redirect(url_for("shop.cart_view"))
    waiting = checkout.pending_order(current_user.id)
    if waiting is not None:  # its answer first: a second charge for the same goods is what this prevents
        flash(_(checkout.PAYMENT_PENDING), "error")
        return redirect(url_for("orders.detail", order_no=waiting.order_no))
    items = cart.items(current_user.id)
    if not items:
        flash(_("장바구니가 비어 있습니다."), "error")
        return redirect(url_for("shop.cart_view"))
    form = _prefill()
    methods = gateways.available_methods()
    form.update(payment_method=methods[0][0] if methods else "", test_outcome="approve")
    return _render_checkout(form, checkout.issue_token(current_user.id), items=items)


@bp.post("/checkout")
def checkout_submit():
    if not current_user.is_authenticated:
        return guest_routes.checkout_submit()
    form = {k: (request.form.get(k) or "").strip()[:200] for k in checkout.DELIVERY_FIELDS}
    form["payment_method"] = (request.form.get("payment_method") or "").strip()[:20]
    form["test_outcome"] = (request.form.get("test_outcome") or "approve").strip()[:10]
    token = (request.form.get("checkout_token") or "").strip()[:64]
    errors = checkout.validate_delivery(form)
    if form["payment_method"] not in dict(gateways.available_methods()):
        errors["payment_method"] = _("결제 수단을 선택해 주세요.")
    if errors:
        return _render_checkout(form, token, errors, 400)
    try:
        result = checkout.place_order(current_user, token=token, delivery=form,
                                      payment_method=form["payment_method"],
                                      payment_params={"test_outcome": form["test_outcome"]})
    except SoldOut as exc:
        flash(exc.message, "error")
        return redirect(url_for("shop.cart_view"))
    except checkout.CheckoutError as exc:
        if exc.errors:
            return _render_checkout(form, token, exc.errors, 400)
        flash(_(exc.message), "error")
        return redirect(url_for("shop.cart_view"))
    order_url = url_for("orders.detail", order_no=result.order.order_no)
    if result.outcome == "redirect":
        return redirect(url_for("orders.pay", order_no=result.order.order_no), 303)
    if result.outcome == "declined":
        flash(result.message, "error")
        return redirect(url_for("shop.cart_view"))
    if result.outcome in ("unknown", "pending"):
        flash(_(result.message), "error")
    elif result.outcome == "replay":
        flash(_("이미 접수된 주문입니다. 같은 주문서로 다시 결제되지 않았습니다."), "info")
    else:
        flash(_("주문과 결제가 완료되었습니다."), "success")
    return redirect(order_url)


@bp.get("/orders")
@member_required
def index():
    page = inputs.int_arg(request.args, "page", 1, hi=10_000)
    group = request.args.get("status", "")
    if group and group not in summary.GROUPS:  # a hand-made link: say so, list nothing half-filtered
        return render_template("orders/index.html", orders=[], page=1, has_next=False, group="",
                               groups=summary.GROUPS, error=_("알 수 없는 주문 상태입니다. 아래에서 골라 주세요.")), 400
    query = select(Order).filter_by(member_id=current_user.id)
    if group:
        query = query.where(summary.in_group(group))
    rows = list(db.session.execute(
        query.options(selectinload(Order.lines), selectinload(Order.cancellations))
        .order_by(Order.created_at.desc(), Order.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1))
        .scalars())
    return render_template("orders/index.html", orders=rows[:PAGE_SIZE], page=page, group=group,
                           groups=summary.GROUPS, has_next=len(rows) > PAGE_SIZE, error=None)


def _tracking(order):
    return fulfilment.port().tracking(order)


@bp.get("/orders/<order_no>")
@member_required
def detail(order_no: str):
    order = _own_order(order_no, *DETAIL_LOADS)
    return render_template("orders/detail.html", order=order, tracking=_tracking(order),
                           can_cancel=order.status in CANCELLABLE, can_return=cancellation.can_return(order),
                           return_deadline=cancellation.return_deadline(order), reasons=CANCEL_REASONS)


@bp.get("/orders/<order_no>/receipt")
@member_required
def receipt(order_no: str):
    order = _own_order(order_no)
    if order.paid_at is None:
        abort(404)
    return render_template("orders/receipt.html", order=order)


@bp.get("/orders/<order_no>/cancel")
@member_required
def cancel_confirm(order_no: str):
    """The confirmation step of a cancel: what goes back, and the reason."""
    order = _own_order(order_no)
    if order.status not in CANCELLABLE:
        flash(_("이 주문은 지금 취소할 수 없습니다."), "error")
        return redirect(url_for("orders.detail", order_no=order.order_no))
    return render_template("orders/confirm.html", order=order, action="cancel", reasons=CANCEL_REASONS,
                           refund=cancellation.refundable_amount(order) if order.paid_at else 0)


@bp.get("/orders/<order_no>/return")
@member_required
def return_confirm(order_no: str):
    """The confirmation step of a return (청약철회): the deadline, the refund and the reason."""
    order = _own_order(order_no)
    if not cancellation.can_return(order):
        flash(_("이 주문은 지금 반품(청약철회)을 신청할 수 없습니다."), "error")
        return redirect(url_for("orders.detail", order_no=order.order_no))
    return render_template("orders/confirm.html", order=order, action="return", reasons=CANCEL_REASONS,
                           refund=cancellation.refundable_amount(order),
                           return_deadline=cancellation.return_deadline(order))


@bp.post("/orders/<order_no>/cancel")
@member_required(next_url=lambda order_no: f"/orders/{order_no}")
def cancel(order_no: str):
    order = _own_order(order_no)
    cancel_views.cancel_and_tell(order, _actor())
    return redirect(url_for("orders.detail", order_no=order.order_no))


@bp.post("/orders/<order_no>/return")
@member_required(next_url=lambda order_no: f"/orders/{order_no}")
def request_return(order_no: str):
    order = _own_order(order_no)
    cancel_views.return_and_tell(order, _actor())
    return redirect(url_for("orders.detail", order_no=order.order_no))


@bp.post("/orders/<order_no>/payment/check")
@member_required(next_url=lambda order_no: f"/orders/{order_no}")
def check_payment(order_no: str):
    order = _own_order(order_no)
    result = payments.recover(order, actor=_actor())
    if result.outcome == "paid":
        flash(_("결제가 확인되었습니다."), "success")
    elif result.outcome == "declined":
        flash(_("결제가 이루어지지 않아 주문을 취소했습니다. 장바구니에서 다시 주문해 주세요."), "error")
    else:
        flash(result.message or _("결제 결과를 아직 확인하지 못했습니다."), "error")
    return redirect(url_for("orders.detail", order_no=order.order_no))

