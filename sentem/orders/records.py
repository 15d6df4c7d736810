"""Registry entries for orders (contract), payments and cancellations/refunds.

전자상거래 등에서의 소비자보호에 관한 법률 제6조 및 시행령 제6조: records of
contracts and withdrawals of orders (계약 또는 청약철회), payment (대금결제) and
supply (재화 등의 공급) are kept 5 years from the transaction. On withdrawal
they move to the archive database; members who stay have them destroyed once the
5 years end (``expire``). Open orders block a withdrawal (``open_obligations``).
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import joinedload, selectinload

from .. import clock
from ..privacy import erasures, labels
from ..extensions import db
from ..privacy.registry import ArchiveItem, Declarations, Item, RecordClass, Retention
from . import exports, fulfilment
from .models import Cancellation, CheckoutToken, Order, OrderEvent, OrderLine, Payment, PaymentEvent

DECLARE = Declarations()  # applied by the package's init_app

ORDERS, PAYMENTS, CANCELLATIONS = "orders", "payments", "cancellations_refunds"
LEGAL_KO = "전자상거래 등에서의 소비자보호에 관한 법률 제6조 및 같은 법 시행령 제6조"
LEGAL_EN = "Act on Consumer Protection in Electronic Commerce, Art. 6 and Enforcement Decree Art. 6"
FIVE_YEARS = Retention(years=5, starts="transaction")
# Orders whose retention may end: nothing is still owed either way.
SETTLED = ("completed", "cancelled", "refunded")

for _item in (
    Item("purchase_record", "구매·계약 기록(주문 상품, 금액, 상태 이력)", "Purchase and contract records",
         ("contract", "supply"), encrypted=False, collected_via="automatic", record_class=ORDERS),
    Item("payment_record", "결제 기록(결제 수단, 금액, 결제 일시)", "Payment records (method, amount, time)",
         ("payment",), encrypted=False, collected_via="automatic", record_class=PAYMENTS),
    Item("payment_key", "결제대행사 결제 키", "Payment gateway's payment key", ("payment",), required=True,
         collected_via="automatic", record_class=PAYMENTS),
    Item("payment_approval_no", "카드 승인 번호", "Card approval number", ("payment",), required=True,
         collected_via="automatic", record_class=PAYMENTS),
    Item("cancellation_record", "취소·청약철회·환불 기록", "Cancellation, withdrawal and refund records",
         ("contract", "payment"), encrypted=False, collected_via="automatic", record_class=CANCELLATIONS),
):
    DECLARE.item(_item)


def _kst(value) -> str:
    return clock.to_kst(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _orders(member_id: int) -> list[Order]:
    # Lines and history loaded up front: an export walks every order (one query each, not per order).
    return list(db.session.execute(select(Order).filter_by(member_id=member_id)
                                   .options(selectinload(Order.lines), selectinload(Order.events))
                                   .order_by(Order.created_at.desc(), Order.id.desc())).scalars())


def _order_row(o: Order) -> dict:
    return {
        "주문번호": o.order_no, "주문일시": _kst(o.created_at), "상태": o.status_label,
        "주문 상품": ", ".join(f"{ln.product_title} × {ln.quantity} ({ln.unit_price:,}원)" for ln in o.lines),
        "상품 금액": o.subtotal_amount, "배송비": o.shipping_fee, "결제 금액": o.total_amount,
        "부가세": o.vat_amount, "결제일시": _kst(o.paid_at),
        "상태 이력": "; ".join(f"{_kst(e.at)} {labels.korean('order', e.to_status)}" for e in o.events),
    }


def _cancellation_rows(member_id: int) -> list[dict]:
    rows = []
    for c in db.session.execute(select(Cancellation).filter_by(member_id=member_id)
                                .options(joinedload(Cancellation.order))
                                .order_by(Cancellation.id.desc())).scalars():
        rows.append({"주문번호": c.order.order_no, "구분": "주문 취소" if c.kind == "cancel" else "반품(청약철회)",
                     "사유": c.reason_label, "상태": c.status, "환불 금액": c.refund_amount,
                     "요청일시": _kst(c.requested_at), "반품 도착일시": _kst(c.received_at),
                     "환불 기한": c.refund_due_on.isoformat() if c.refund_due_on else "",
                     "환불일시": _kst(c.refunded_at)})
    return rows


def _archive(kind: str, member_id: int) -> list[ArchiveItem]:
    items = []
    for o in _orders(member_id):
        if kind == ORDERS:
            payload = _order_row(o) | {"member_id": member_id}
        elif kind == PAYMENTS:
            if not o.payments:
                continue
            payload = {"주문번호": o.order_no, "결제": [
                {"수단": p.method, "결제대행": p.gateway, "결제 키": p.gateway_ref, "승인 번호": p.approval_no,
                 "금액": p.amount,
                 "환불 금액": p.refunded_amount, "상태": p.status,
                 "상태 변경": [[e.at.isoformat(), e.status, e.amount] for e in p.events]} for p in o.payments]}
        else:
            if not o.cancellations:
                continue
            payload = {"주문번호": o.order_no, "취소·환불": [
                {"구분": c.kind, "사유": c.reason_code, "상태": c.status, "환불 금액": c.refund_amount,
                 "요청": _iso(c.requested_at), "반품 도착": _iso(c.received_at),
                 "환불 기한": c.refund_due_on.isoformat() if c.refund_due_on else None,
                 "환불": _iso(c.refunded_at)} for c in o.cancellations]}
        items.append(ArchiveItem(record_class=kind, order_no=o.order_no, occurred_at=clock.as_utc(o.created_at),
                                 payload=payload))
    return items


def _iso(value) -> str | None:
    return clock.as_utc(value).isoformat() if value else None


def _order_ids(member_id: int):
    return select(Order.id).where(Order.member_id == member_id)


def destroy_payments(member_id: int) -> int:
    """Delete the member's payments and their events (no commit)."""
    ids = select(Payment.id).where(Payment.member_id == member_id)
    db.session.execute(delete(PaymentEvent).where(PaymentEvent.payment_id.in_(ids)))
    return db.session.execute(delete(Payment).where(Payment.member_id == member_id)).rowcount


def destroy_cancellations(member_id: int) -> int:
    """Delete the member's cancellation and refund records (no commit)."""
    return db.session.execute(delete(Cancellation).where(Cancellation.member_id == member_id)).rowcount


def destroy_orders(member_id: int) -> int:
    """Delete the member's orders with everything hanging off them (no commit)."""
    destroy_payments(member_id)
    destroy_cancellations(member_id)
    return _delete_orders(_order_ids(member_id), member_id=member_id)


def _delete_orders(order_ids, member_id: int | None = None) -> int:
    ids = list(db.session.execute(order_ids).scalars())
    if not ids:
        return 0
    # Figures derived from these orders (sales by day, members' purchases) must hear of it.
    gone = db.session.execute(select(Order.member_id, Order.paid_at).where(Order.id.in_(ids))).all()
    erasures.deleting(ORDERS, [m for m, _ in gone], [paid for _, paid in gone])
    pay_ids = select(Payment.id).where(Payment.order_id.in_(ids))
    db.session.execute(delete(PaymentEvent).where(PaymentEvent.payment_id.in_(pay_ids)))
    db.session.execute(delete(Payment).where(Payment.order_id.in_(ids)))
    db.session.execute(delete(Cancellation).where(Cancellation.order_id.in_(ids)))
    db.session.execute(delete(OrderEvent).where(OrderEvent.order_id.in_(ids)))
    db.session.execute(delete(OrderLine).where(OrderLine.order_id.in_(ids)))
    db.session.execute(delete(CheckoutToken).where(or_(CheckoutToken.order_id.in_(ids),
                                                       CheckoutToken.member_id == (member_id or -1))))
    _delete_delivery_rows(ids)
    n = db.session.execute(delete(Order).where(Order.id.in_(ids))).rowcount
    db.session.expire_all()
    return n


def _delete_delivery_rows(order_ids: list[int]) -> None:
    # Delivery tables cascade on the database, but the delivery feature deletes them
    # explicitly so no database setting (SQLite foreign_keys off) can leave them behind.
    fulfilment.port().forget(order_ids)


def expire_orders(cutoff: _dt.datetime, held: frozenset[str], batch_size: int) -> int:
    """Destroy settled orders made before ``cutoff`` (their 5 years are over), with their
    payments, cancellations and delivery rows; orders whose number is ``held`` stay."""
    query = select(Order.id).where(Order.created_at < cutoff, Order.status.in_(SETTLED))
    if held:
        query = query.where(Order.order_no.notin_(sorted(held)))
    return _delete_orders(query.order_by(Order.id).limit(batch_size))


def _expire_none(cutoff: _dt.datetime, held: frozenset[str], batch_size: int) -> int:
    # Payments and cancellations expire with their order (same 5 years, same start), and
    # a hold on them keeps the order (``cascades``).
    return 0


def open_obligations(member_id: int) -> list[str]:
    """Orders that keep a member from withdrawing now, each named by its number (Korean)."""
    reasons = []
    rows = db.session.execute(select(Order.order_no, Order.status).where(
        Order.member_id == member_id,
        Order.status.in_(("pending_payment", "paid", "preparing", "shipped", "return_requested", "returned")))
        .order_by(Order.id)).all()
    for order_no, status in rows:
        if status == "pending_payment":
            reasons.append(f"주문 {order_no}의 결제가 아직 확정되지 않았습니다.")
        elif status in ("paid", "preparing", "shipped"):
            reasons.append(f"주문 {order_no}의 배송이 끝나지 않았습니다({labels.korean('order', status)}).")
        else:
            reasons.append(f"주문 {order_no}의 반품·환불이 진행 중입니다({labels.korean('order', status)}).")
    pending_refunds = db.session.execute(select(Order.order_no).join(Cancellation).where(
        Cancellation.member_id == member_id, Cancellation.status.in_(("requested", "received", "failed", "refunding")),
        Order.status.notin_(("return_requested", "returned")))).scalars().all()
    reasons.extend(f"주문 {no}의 환불이 아직 끝나지 않았습니다." for no in pending_refunds)
    return reasons


DECLARE.record_class(RecordClass(
    key=ORDERS, label_ko="주문(계약) 기록", label_en="Order (contract) records", items=("purchase_record",),
    legal_basis_ko=LEGAL_KO, legal_basis_en=LEGAL_EN, retention=FIVE_YEARS, on_withdrawal="archive",
    export=exports.order_rows,
    collect_archive=lambda member_id: _archive(ORDERS, member_id),
    destroy=destroy_orders, expire=expire_orders, models=(Order, OrderLine, OrderEvent, CheckoutToken), order=40,
    # expire_orders deletes these rows with the order, so their holds keep it ("delivery" is
    # the delivery feature's class, named here without importing it; "guest_order" the orderer
    # of a guest order, see guest_records).
    holdable=True, cascades=(PAYMENTS, CANCELLATIONS, "delivery", "guest_order"),
))
DECLARE.record_class(RecordClass(
    key=PAYMENTS, label_ko="대금 결제 기록", label_en="Payment records",
    items=("payment_record", "payment_key", "payment_approval_no"),
    legal_basis_ko=LEGAL_KO, legal_basis_en=LEGAL_EN, retention=FIVE_YEARS, on_withdrawal="archive",
    export=exports.payment_rows, collect_archive=lambda member_id: _archive(PAYMENTS, member_id),
    destroy=destroy_payments, expire=_expire_none, models=(Payment, PaymentEvent), order=41, holdable=True,
))
DECLARE.record_class(RecordClass(
    key=CANCELLATIONS, label_ko="청약철회·취소·환불 기록", label_en="Cancellation, withdrawal and refund records",
    items=("cancellation_record",), legal_basis_ko=LEGAL_KO, legal_basis_en=LEGAL_EN, retention=FIVE_YEARS,
    on_withdrawal="archive", export=_cancellation_rows,
    collect_archive=lambda member_id: _archive(CANCELLATIONS, member_id),
    destroy=destroy_cancellations, expire=_expire_none, models=(Cancellation,), order=42, holdable=True,
))
DECLARE.obligation_check(open_obligations)
