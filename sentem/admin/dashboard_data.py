"""Figures for the dashboard, one panel per feature's work.

The order trend is a usage statistic, so members who suspended statistics (PIPA Art. 37)
are left out of it; the other panels are work to do (shipping, rights requests, retention
duties) and count everybody, because the duty stands whatever the member suspended.
"""
from __future__ import annotations

import datetime as _dt
import logging

from sqlalchemy import and_, func, not_, select

from .. import clock
from ..extensions import db
from ..myinfo.models import RightsRequest
from ..orders import summary as order_summary
from ..orders.models import Order
from ..policy import services as policy_services
from ..privacy import suspension
from ..privacy.charts import BarChart
from ..privacy.retention.models import Duty
from ..staff.permissions import allowed

log = logging.getLogger("sentem.admin")
# Rights requests whose deadline is this many days away or nearer count as "due soon".
DUE_SOON_DAYS = 3


def _guarded(fn):
    """Run a panel builder; a broken panel shows as missing and is logged, never a 500."""
    try:
        return fn()
    except Exception:  # noqa: BLE001 - a broken panel must not take the dashboard down
        db.session.rollback()
        log.exception("dashboard panel %s failed", getattr(fn, "__name__", fn))
        return None


def orders_per_day(days: int = 14) -> BarChart:
    today = clock.today()
    start = clock.start_of_day(today - _dt.timedelta(days=days - 1))
    # Suspended members are not counted, nor attempts whose payment failed (never a sale).
    counted = and_(Order.member_id.not_in(suspension.suspended_ids(suspension.STATISTICS)),
                   not_(order_summary.payment_failed()))
    rows = db.session.execute(select(Order.created_at).where(Order.created_at >= start, counted)).scalars().all()
    counts = {today - _dt.timedelta(days=i): 0 for i in range(days)}
    for created in rows:
        d = clock.to_kst(created).date()
        if d in counts:
            counts[d] += 1
    return BarChart("최근 14일 주문 수 (결제 실패·통계 처리정지 회원 제외)", [(d.strftime("%m-%d"), counts[d]) for d in sorted(counts)], unit="건")


def shipments_pending() -> BarChart:
    statuses = ("paid", "preparing", "shipped")
    rows = dict(db.session.execute(select(Order.status, func.count()).where(Order.status.in_(statuses))
                                   .group_by(Order.status)).all())
    labels = {"paid": "결제 완료", "preparing": "배송 준비", "shipped": "배송 중"}
    return BarChart("배송 대기·진행 중 주문", [(labels[s], rows.get(s, 0)) for s in statuses], unit="건")


def rights_open() -> dict:
    """Open rights requests with their deadlines (answer within 10 days)."""
    now = clock.now()
    rows = db.session.execute(select(RightsRequest.id, RightsRequest.kind, RightsRequest.due_at)
                              .where(RightsRequest.status == "received")
                              .order_by(RightsRequest.due_at)).all()
    days_left = [(clock.as_utc(due) - now).days for _id, _kind, due in rows]
    buckets = {"기한 초과": 0, "1일 이내": 0, "2~3일": 0, "4~7일": 0, "8일 이상": 0}
    for d in days_left:
        key = ("기한 초과" if d < 0 else "1일 이내" if d < 1 else "2~3일" if d < DUE_SOON_DAYS else "4~7일" if d < 7
               else "8일 이상")
        buckets[key] += 1
    return {"open": len(rows), "overdue": buckets["기한 초과"],
            "due_soon": buckets["1일 이내"] + buckets["2~3일"], "due_soon_days": DUE_SOON_DAYS,
            "chart": BarChart("처리 중인 권리 행사 요청(남은 기한별)", list(buckets.items()), unit="건"),
            "next": [{"id": i, "kind": k, "due_at": due} for i, k, due in rows[:5]]}


def duties_due() -> dict:
    """Retention duties: overdue, and those due in the coming 7 days (per day)."""
    now = clock.now()
    today = clock.today()
    pending = db.session.execute(select(Duty.due_at, Duty.deadline_at).where(Duty.status == "pending")).all()
    overdue = sum(1 for _due, deadline in pending if clock.as_utc(deadline) < now)
    days = {today + _dt.timedelta(days=i): 0 for i in range(7)}
    for due, _deadline in pending:
        d = clock.to_kst(due).date()
        d = max(d, today)
        if d in days:
            days[d] += 1
    return {"overdue": overdue, "pending": len(pending),
            "chart": BarChart("앞으로 7일 보존·파기 의무", [(d.strftime("%m-%d"), n) for d, n in days.items()],
                              unit="건")}


def policy_revision() -> dict:
    """Whether the privacy policy or the terms need a new version (a register, the registry or
    the configuration now says something no published version does)."""
    return {"privacy": policy_services.revision_needed(), "terms": policy_services.revision_needed("terms")}


def panels(staff) -> dict:
    """The panels the staff member's role may see."""
    role = staff.role if staff else None
    out: dict = {}
    if allowed(role, "orders.view"):
        out["orders"] = _guarded(orders_per_day)
    if allowed(role, "orders.view") or allowed(role, "shipping.view"):
        out["shipments"] = _guarded(shipments_pending)
    if allowed(role, "rights.view"):
        out["rights"] = _guarded(rights_open)
    if allowed(role, "retention.view"):
        out["duties"] = _guarded(duties_due)
    if allowed(role, "policy.view"):
        out["policy"] = _guarded(policy_revision)
    return out
