"""Staff area: shipping (배송). List of orders to ship, per-order workflow, bulk actions and
printable packing slips.

Permissions: ``shipping.view`` to see, ``shipping.manage`` to act. Recipients are shown
unmasked only where shipping needs them (see ``delivery.staffview``), and every such view
is a ``shipping.view`` row in the staff access log. Status changes go through
``delivery.shipping`` (which uses ``orders.services.transition``), one transaction per order.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from ..delivery import carriers, shipping as workflow, staffview
from ..delivery.services import FAILURE_REASONS, unmask_days
from ..extensions import db
from ..orders.services import find
from ..privacy import access_log
from ..staff import bp, guard, people

ACTIONS = ("preparing", "shipped", "delivered", "failed", "resend", "return_picked_up")
SLIP_LIMIT = 100
BULK_LIMIT = 200


def _actor() -> str:
    return f"staff:{guard.current_staff().id}"


def _order_or_404(order_no: str):
    order = find(order_no)
    if order is None or order.status in ("pending_payment",):
        abort(404)
    return order


def _reveal_logged(order, info: dict) -> None:
    """Write the access-log row for a view of recipient details (only when shown unmasked)."""
    if info["recipient"].get("revealed"):
        access_log.record("shipping.view", staff_id=guard.current_staff().id, member_id=order.member_id,
                          detail=order.order_no)


@bp.get("/shipping")
@guard.require("shipping.view")
def shipping():
    """Orders to ship (paid, preparing, shipped by default), recipients masked."""
    wanted = [s for s in request.args.getlist("status") if s in staffview.LIST_STATUSES]
    statuses = wanted or list(staffview.DEFAULT_LIST)
    rows = staffview.list_rows(staffview.orders_to_ship(statuses))
    people.load(r["order"].member_id for r in rows)  # the orderers' names in one read
    return render_template("admin/shipping/list.html", rows=rows, statuses=statuses,
                           all_statuses=staffview.LIST_STATUSES, carriers=carriers.carriers(),
                           can_manage=guard.has_permission("shipping.manage"), limit=staffview.LIST_LIMIT)


def _render_detail(order, errors=None, values=None, status=200):
    info = staffview.detail(order)
    _reveal_logged(order, info)
    if info["recipient"].get("revealed"):
        db.session.commit()
    return render_template("admin/shipping/detail.html", info=info, order=order, carriers=carriers.carriers(),
                           reasons=FAILURE_REASONS, errors=errors or {}, values=values or {},
                           can_manage=guard.has_permission("shipping.manage"),
                           unmask_days=unmask_days()), status


@bp.get("/shipping/<order_no>")
@guard.require("shipping.view")
def shipping_detail(order_no):
    """One order: recipient (if in a shipping state), parcels, history and the actions."""
    return _render_detail(_order_or_404(order_no))


@bp.post("/shipping/<order_no>/<action>")
@guard.require("shipping.manage")
def shipping_action(order_no, action):
    """One workflow step for one order; a refusal re-shows the page with the reason."""
    if action not in ACTIONS:
        abort(404)
    order = _order_or_404(order_no)
    form = request.form
    actor = _actor()
    try:
        if action == "preparing":
            workflow.mark_preparing(order.order_no, actor=actor)
            done = "상품 준비 중으로 바꿨습니다."
        elif action == "shipped":
            workflow.mark_shipped(order.order_no, form.get("carrier"), form.get("tracking_no"), actor=actor)
            done = "발송 처리했습니다. 회원에게 발송 안내를 보냈습니다."
        elif action == "delivered":
            workflow.mark_delivered(order.order_no, actor=actor)
            done = "배송 완료로 바꿨습니다."
        elif action == "failed":
            workflow.record_failure(order.order_no, form.get("reason"), actor=actor)
            done = "배송 실패를 기록했습니다. 재발송할 때 새 송장번호를 입력하세요."
        elif action == "resend":
            workflow.resend(order.order_no, form.get("carrier"), form.get("tracking_no"), actor=actor)
            done = "재발송을 기록했습니다. 회원에게 발송 안내를 보냈습니다."
        else:
            workflow.mark_return_picked_up(order.order_no, form.get("carrier"), form.get("tracking_no"),
                                           actor=actor)
            done = "반품 회수를 기록했습니다. 도착 확인과 환불은 주문·환불 화면에서 합니다."
    except workflow.ShippingError as exc:
        db.session.expire_all()
        values = {"action": action, "carrier": form.get("carrier", ""), "tracking_no": form.get("tracking_no", ""),
                  "reason": form.get("reason", "")}
        return _render_detail(order, errors={action: str(exc)}, values=values, status=400)
    flash(f"주문 {order.order_no}: {done}", "success")
    return redirect(url_for("admin.shipping_detail", order_no=order.order_no))


@bp.post("/shipping/bulk")
@guard.require("shipping.manage")
def shipping_bulk():
    """One action for all ticked orders, one transaction each; shows a result per order."""
    action = request.form.get("action")
    order_nos = request.form.getlist("order_no")
    if action not in workflow.BULK_ACTIONS or not order_nos:
        flash("주문을 하나 이상 고르고 작업을 선택해 주세요.", "error")
        return redirect(url_for("admin.shipping"))
    if len(order_nos) > BULK_LIMIT:
        flash(f"한 번에 {BULK_LIMIT}건까지 처리할 수 있습니다. 나누어 처리해 주세요.", "error")
        return redirect(url_for("admin.shipping"))
    tracking = {no: request.form.get(f"tracking-{no}", "") for no in order_nos}
    results = workflow.bulk(action, order_nos, actor=_actor(), carrier_code=request.form.get("carrier"),
                            tracking=tracking)
    ok = sum(1 for r in results if r["ok"])
    status = 200 if ok else 400
    return render_template("admin/shipping/bulk_result.html", results=results, action=action, ok=ok), status


@bp.get("/shipping/slips")
@guard.require("shipping.view")
def shipping_slips():
    """Printable packing slips / shipping labels for the chosen orders."""
    order_nos = list(dict.fromkeys(n.strip() for n in request.args.getlist("order_no") if n.strip()))
    if not order_nos:
        flash("인쇄할 주문을 하나 이상 골라 주세요.", "error")
        return redirect(url_for("admin.shipping"))
    if len(order_nos) > SLIP_LIMIT:
        flash(f"한 번에 {SLIP_LIMIT}건까지 인쇄할 수 있습니다.", "error")
        return redirect(url_for("admin.shipping"))
    slips, missing = [], []
    for no in order_nos:
        order = find(no)
        if order is None or order.status == "pending_payment":
            missing.append(no)
            continue
        info = staffview.detail(order)
        _reveal_logged(order, info)
        slips.append(info)
    db.session.commit()
    return render_template("admin/shipping/slips.html", slips=slips, missing=missing)
