"""Bulk downloads in one place: each needs its permission, a reason and a fresh
re-authentication, and is logged with its row count (``downloads.csv_response``)."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from ..extensions import db
from ..staff import bp, downloads, guard
from .forms import ReasonForm



@bp.route("/downloads")
@guard.require(guard.ANY_STAFF)
def downloads_page():
    """The downloads this staff member's role allows, each behind a reason form."""
    return render_template("admin/downloads.html", members_form=ReasonForm(),
                           orders_form=ReasonForm(prefix="o"))


@bp.route("/downloads/orders", methods=["POST"])
@guard.require("orders.download")
@guard.reauth_required
def download_orders():
    """Orders as CSV (order number, member number, status, amounts in won, times): no
    names or addresses — those stay in the delivery records."""
    form = ReasonForm(prefix="o")
    reason = downloads.reason_or_none(form)
    if reason is None:
        return render_template("admin/downloads.html", members_form=ReasonForm(),
                               orders_form=form), 400
    from ..orders.models import Order

    orders = db.session.execute(select(Order).order_by(Order.id)).scalars()
    header = ["주문번호", "회원번호", "상태", "상품 금액", "배송비", "결제 금액", "주문 일시", "결제 일시"]
    rows = ([o.order_no, o.member_id, o.status, o.subtotal_amount, o.shipping_fee, o.total_amount,
             o.created_at.isoformat() if o.created_at else "", o.paid_at.isoformat() if o.paid_at else ""]
            for o in orders)
    return downloads.csv_response("orders.csv", header, rows, kind="orders", reason=reason)


