"""A member's orders by the groups the 마이페이지 hub counts (입금대기 · 결제완료 · 배송준비 · 배송중 ·
배송완료 · 취소/반품), and the one rule for a failed payment as a query.

An order whose payment was declined or lapsed is ``cancelled`` with no ``paid_at`` and no
cancellation record: it is shown as 결제 실패, counted in no group and in no sales figure.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, not_, select

from ..extensions import db
from .models import Cancellation, Order

# group key (the ``status`` query value of /orders) → (label, order statuses)
GROUPS: dict[str, tuple[object, tuple[str, ...]]] = {
    "pending": (_l("입금대기"), ("pending_payment",)),
    "paid": (_l("결제완료"), ("paid",)),
    "preparing": (_l("배송준비"), ("preparing",)),
    "shipping": (_l("배송중"), ("shipped",)),
    "delivered": (_l("배송완료"), ("delivered", "completed")),
    "cancelled": (_l("취소/반품"), ("cancelled", "return_requested", "returned", "refunded")),
}


def payment_failed():
    """SQL: the order was given up because its payment failed (see the module docstring)."""
    cancelled_by_someone = select(Cancellation.id).where(Cancellation.order_id == Order.id).exists()
    return and_(Order.status == "cancelled", Order.paid_at.is_(None), not_(cancelled_by_someone))


def in_group(group: str):
    """SQL: the order belongs to hub group ``group`` (a key of GROUPS)."""
    clause = Order.status.in_(GROUPS[group][1])
    return and_(clause, not_(payment_failed())) if group == "cancelled" else clause


def counts(member_id: int) -> dict[str, int]:
    """{group: how many of the member's orders are in it}, every group present."""
    rows = db.session.execute(
        select(Order.status, func.count()).where(Order.member_id == member_id, not_(payment_failed()))
        .group_by(Order.status)).all()
    by_status = dict(rows)
    return {g: sum(by_status.get(s, 0) for s in statuses) for g, (_label, statuses) in GROUPS.items()}


def latest(member_id: int, n: int = 3) -> list[Order]:
    """The member's ``n`` newest orders."""
    return list(db.session.execute(select(Order).filter_by(member_id=member_id)
                                   .order_by(Order.created_at.desc(), Order.id.desc()).limit(n)).scalars())
