"""Staff area: orders and refunds (주문·환불), and the orders download.

``orders.view`` to see, ``orders.manage`` to act (cancel before shipment, mark a
return received, refund), ``orders.download`` for the justified CSV. No personal
data is shown here: an order is found by its number, the member by id; recipients
belong to the shipping screens.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..extensions import db
from ..staff import bp, downloads, guard, people
from ..staff.forms import ReasonForm
from . import cancellation, guest
from .models import STATUSES, Cancellation, Order
from .services import CANCELLABLE, InvalidTransition, find, transition

PAGE_SIZE = 50


def _actor() -> str:
    return f"staff:{guard.current_staff().id}"


def _order_or_404(order_no: str) -> Order:
    order = find(order_no[:32])
    if order is None:
        abort(404)
    return order


@bp.get("/orders")
@guard.require("orders.view")
def orders():
    """Orders, newest first, filtered by status or order number."""
    status = request.args.get("status") or ""
    q = (request.args.get("q") or "").strip()[:32]
    stmt = select(Order).options(selectinload(Order.lines)).order_by(Order.created_at.desc(), Order.id.desc())
    if status in STATUSES:
        stmt = stmt.where(Order.status == status)
    if q:
        stmt = stmt.where(Order.order_no.contains(q, autoescape=True))
    rows = db.session.execute(stmt.limit(PAGE_SIZE)).scalars().all()
    people.load(o.member_id for o in rows)  # the page's names in one read, not one per row
    guests = guest.orderer_names(o.id for o in rows if o.member_id is None)
    return render_template("admin/orders/list.html", orders=rows, status=status, q=q, statuses=STATUSES,
                           guests=guests)


_OPEN_REFUND = Cancellation.status != "refunded"


def open_refunds_count() -> int:
    """Refunds still to pay (the staff menu shows it beside 주문·환불)."""
    return db.session.execute(select(func.count(Cancellation.id)).where(_OPEN_REFUND)).scalar_one()


@bp.get("/orders/refunds")
@guard.require("orders.view")
def refunds():
    """Open refunds with their due dates; overdue ones first and marked."""
    rows = db.session.execute(select(Cancellation).where(_OPEN_REFUND)
                              .options(selectinload(Cancellation.order))
                              .order_by(Cancellation.refund_due_on.is_(None), Cancellation.refund_due_on,
                                        Cancellation.id)).scalars().all()
    people.load(c.order.member_id for c in rows)
    guests = guest.orderer_names(c.order.id for c in rows if c.order.member_id is None)
    return render_template("admin/orders/refunds.html", rows=rows, today=clock.today(), guests=guests)


@bp.get("/orders/<order_no>")
@guard.require("orders.view")
def order_detail(order_no: str):
    order = _order_or_404(order_no)
    return render_template("admin/orders/detail.html", order=order,
                           guests=guest.orderer_names([order.id] if order.member_id is None else []),
                           can_cancel=order.status in CANCELLABLE,
                           open_return=cancellation.open_return(order), today=clock.today(),
                           refunded_lines={c.line_id for c in order.cancellations if c.line_id})


def _act(order_no: str, action) -> object:
    order = _order_or_404(order_no)
    try:
        message = action(order)
        flash(message, "success")
    except (cancellation.CancelRefused, InvalidTransition) as exc:
        db.session.rollback()
        flash(getattr(exc, "message", str(exc)), "error")
    return redirect(url_for("admin.order_detail", order_no=order.order_no))


@bp.post("/orders/<order_no>/cancel")
@guard.require("orders.manage")
def order_cancel(order_no: str):
    def run(order):
        record = cancellation.cancel(order, actor=_actor(), reason_code=request.form.get("reason", "other"))
        return "주문을 취소했습니다." + (" 환불했습니다." if record.status == "refunded" else " 환불은 재시도 대기 중입니다.")

    return _act(order_no, run)


@bp.post("/orders/<order_no>/return-received")
@guard.require("orders.manage")
def order_return_received(order_no: str):
    def run(order):
        record = cancellation.mark_received(order, actor=_actor())
        return f"반품 도착을 확인했습니다. 환불 기한: {record.refund_due_on.isoformat()}"

    return _act(order_no, run)


@bp.post("/orders/<order_no>/return-refused")
@guard.require("orders.manage")
def order_return_refused(order_no: str):
    def run(order):
        cancellation.refuse_return(order, actor=_actor())
        return "반품 요청을 반려했습니다."

    return _act(order_no, run)


@bp.post("/orders/<order_no>/refund")
@guard.require("orders.manage")
def order_refund(order_no: str):
    def run(order):
        if order.status == "returned":
            ok = cancellation.refund_return(order, actor=_actor())
        else:
            ok = cancellation.retry_refund(order, actor=_actor())
        if not ok:
            raise cancellation.CancelRefused("결제대행사가 환불에 응답하지 않았습니다. 잠시 후 다시 시도해 주세요.")
        return "환불했습니다."

    return _act(order_no, run)


@bp.post("/orders/<order_no>/lines/<int:line_id>/refund")
@guard.require("orders.manage")
def order_line_refund(order_no: str, line_id: int):
    """One line returned: refund its amount (부분 취소), the rest of the order stays paid."""
    def run(order):
        record = cancellation.refund_line(order, line_id, actor=_actor(), reason_code=request.form.get("reason", "other"))
        if record.status != "refunded":
            return "부분 환불을 접수했습니다. 결제대행사 응답이 없어 자동으로 다시 시도합니다."
        return f"{record.refund_amount:,}원을 부분 환불했습니다."

    return _act(order_no, run)


@bp.post("/orders/<order_no>/complete")
@guard.require("orders.manage")
def order_complete(order_no: str):
    def run(order):
        transition(order, "completed", actor=_actor(), note="구매 확정")
        db.session.commit()
        return "구매 확정으로 바꿨습니다."

    return _act(order_no, run)


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
    orders = db.session.execute(select(Order).order_by(Order.id)).scalars()
    header = ["주문번호", "회원번호", "상태", "상품 금액", "배송비", "결제 금액", "주문 일시", "결제 일시"]
    rows = ([o.order_no, o.member_id if o.member_id is not None else "비회원", o.status, o.subtotal_amount, o.shipping_fee, o.total_amount,
             o.created_at.isoformat() if o.created_at else "", o.paid_at.isoformat() if o.paid_at else ""]
            for o in orders)
    return downloads.csv_response("orders.csv", header, rows, kind="orders", reason=reason)
