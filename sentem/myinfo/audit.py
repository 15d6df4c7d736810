"""My info's section of the quarterly self-audit: were rights requests answered within 10 days?"""
from __future__ import annotations

from sqlalchemy import select

from .. import clock
from ..privacy import labels
from ..extensions import db
from ..privacy.registry import RIGHTS_ANSWER_DAYS, Declarations
from .models import RightsRequest

DECLARE = Declarations()  # applied by the package's init_app


def rights_section(start, end) -> dict:
    """Requests received in [start, end): answered on time, late, still open past the deadline."""
    rows = db.session.execute(select(RightsRequest.kind, RightsRequest.status, RightsRequest.channel,
                                     RightsRequest.due_at, RightsRequest.answered_at)
                              .where(RightsRequest.received_at >= start, RightsRequest.received_at < end)).all()
    now = clock.now()
    on_time = late = open_overdue = pending = online = 0
    by_kind: dict[str, int] = {}
    for kind, status, channel, due, answered in rows:
        label = labels.korean("rights_kind", kind)
        by_kind[label] = by_kind.get(label, 0) + 1
        online += channel == "online"
        if status == "pending":  # a withdrawal answered "deferred" at once, waiting on an order
            pending += 1
        if answered is not None:
            if clock.as_utc(answered) <= clock.as_utc(due):
                on_time += 1
            else:
                late += 1
        elif clock.as_utc(due) < now:
            open_overdue += 1
    return {"title": f"권리 행사 요청 처리({RIGHTS_ANSWER_DAYS}일 이내)", "ok": late == 0 and open_overdue == 0,
            "received": len(rows), "answered_within_10_days": on_time, "answered_late": late,
            "open_past_deadline": open_overdue, "answered_online_at_once": online,
            "pending_withdrawals": pending, "chart": by_kind}


DECLARE.audit_section("rights", rights_section)
