"""The access-right export's order and payment rows, read as plain columns.

A member may hold thousands of orders: the rows are read in a few column queries (orders,
their lines, their history; payments with their order number, their history) and
grouped here, without building an ORM object per row, which cost most of a large
export's time (issue 19). The rows are those ``records._order_row`` describes.
"""
from __future__ import annotations

from sqlalchemy import select

from .. import clock
from ..privacy import labels
from ..extensions import db
from .models import Order, OrderEvent, OrderLine, Payment, PaymentEvent


# The model's own VAT rule, applied to a row that has ``total_amount`` like an Order.
_VAT = Order.vat_amount.fget


def _kst(value) -> str:
    return clock.kst_minutes(value) if value else ""


def _grouped(query) -> dict[int, list]:
    out: dict[int, list] = {}
    for row in db.session.execute(query):
        out.setdefault(row[0], []).append(row)
    return out


def order_rows(member_id: int) -> list[dict]:
    """One row per order of the member, newest first."""
    orders = db.session.execute(
        select(Order.id, Order.order_no, Order.created_at, Order.status, Order.subtotal_amount, Order.shipping_fee,
               Order.total_amount, Order.paid_at).where(Order.member_id == member_id)
        .order_by(Order.created_at.desc(), Order.id.desc())).all()
    mine = select(Order.id).where(Order.member_id == member_id)
    lines = _grouped(select(OrderLine.order_id, OrderLine.product_title, OrderLine.quantity, OrderLine.unit_price)
                     .where(OrderLine.order_id.in_(mine)).order_by(OrderLine.id))
    events = _grouped(select(OrderEvent.order_id, OrderEvent.at, OrderEvent.to_status)
                      .where(OrderEvent.order_id.in_(mine)).order_by(OrderEvent.id))
    # A few statuses, thousands of rows: each label looked up once (a lookup reaches the app).
    status = {code: labels.korean("order", code) for code in {o.status for o in orders}
              | {e.to_status for rows in events.values() for e in rows}}
    return [{
        "주문번호": o.order_no, "주문일시": _kst(o.created_at), "상태": status[o.status],
        "주문 상품": ", ".join(f"{ln.product_title} × {ln.quantity} ({ln.unit_price:,}원)" for ln in lines.get(o.id, ())),
        "상품 금액": o.subtotal_amount, "배송비": o.shipping_fee, "결제 금액": o.total_amount,
        "부가세": _VAT(o), "결제일시": _kst(o.paid_at),
        "상태 이력": "; ".join(f"{_kst(e.at)} {status[e.to_status]}"
                           for e in events.get(o.id, ())),
    } for o in orders]


def payment_rows(member_id: int) -> list[dict]:
    """One row per payment of the member, newest first."""
    # Columns, not objects (as for orders); the payment key and approval number are read as
    # their sealed columns and opened together by their field declarations.
    payments = db.session.execute(
        select(Payment.id, Payment.method, Payment.gateway, Payment.gateway_ref_ct, Payment.approval_no_ct,
               Payment.amount, Payment.refunded_amount, Payment.status, Payment.approved_at, Order.order_no)
        .join(Order, Order.id == Payment.order_id).where(Payment.member_id == member_id)
        .order_by(Payment.id.desc())).all()
    events = _grouped(select(PaymentEvent.payment_id, PaymentEvent.at, PaymentEvent.status)
                      .where(PaymentEvent.payment_id.in_(select(Payment.id).where(Payment.member_id == member_id)))
                      .order_by(PaymentEvent.id))
    refs, approvals = Payment.gateway_ref.values(payments), Payment.approval_no.values(payments)
    return [{"주문번호": p.order_no, "결제 수단": p.method, "결제대행": p.gateway, "결제 키": ref or "",
             "승인 번호": approval or "", "금액": p.amount, "환불 금액": p.refunded_amount, "상태": p.status,
             "승인일시": _kst(p.approved_at),
             "상태 변경": "; ".join(f"{_kst(e.at)} {e.status}" for e in events.get(p.id, ()))}
            for p, ref, approval in zip(payments, refs, approvals)]
