"""Figures for the dashboard, each from a feature that may not be installed."""
from __future__ import annotations

import datetime as _dt
import logging

from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from .charts import BarChart
from .permissions import allowed

log = logging.getLogger("sentem.admin")


def _guarded(fn):
    """Run a panel builder; a missing feature (or its table) yields None, never a 500."""
    try:
        return fn()
    except (ImportError, AttributeError):
        return None
    except Exception:  # noqa: BLE001 - a broken panel must not take the dashboard down
        db.session.rollback()
        log.exception("dashboard panel %s failed", getattr(fn, "__name__", fn))
        return None


def orders_per_day(days: int = 14) -> BarChart:
    from ..orders.models import Order

    today = clock.today()
    start = clock.start_of_day(today - _dt.timedelta(days=days - 1))
    rows = db.session.execute(select(Order.created_at).where(Order.created_at >= start)).scalars().all()
    counts = {today - _dt.timedelta(days=i): 0 for i in range(days)}
    for created in rows:
        d = clock.to_kst(created).date()
        if d in counts:
            counts[d] += 1
    return BarChart("최근 14일 주문 수", [(d.strftime("%m-%d"), counts[d]) for d in sorted(counts)], unit="건")


def shipments_pending() -> BarChart:
    from ..orders.models import Order

    statuses = ("paid", "preparing", "shipped")
    rows = dict(db.session.execute(select(Order.status, func.count()).where(Order.status.in_(statuses))
                                   .group_by(Order.status)).all())
    labels = {"paid": "결제 완료", "preparing": "배송 준비", "shipped": "배송 중"}
    return BarChart("배송 대기·진행 중 주문", [(labels[s], rows.get(s, 0)) for s in statuses], unit="건")


def rights_open() -> dict:
    from ..myinfo import services as myinfo_services

    fn = getattr(myinfo_services, "open_requests_summary")
    return fn()


def duties_due() -> dict:
    from ..privacy.retention import services as retention_services

    return {"overdue": retention_services.overdue_count()}


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
    return out
