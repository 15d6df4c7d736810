"""The retention engine's section of the quarterly self-audit (자체 감사):
were duties done within their 5-day deadline, what the ledger recorded, what is held."""
from __future__ import annotations

from sqlalchemy import func, select

from ... import clock
from .. import labels
from ...extensions import db
from ..registry import DESTRUCTION_DEADLINE_DAYS, Declarations
from .models import CLAIM, EXPIRE_SWEEP, DestructionLedger, Duty, RetentionHold

DECLARE = Declarations()  # applied by the package's init_app


def retention_section(start, end) -> dict:
    """Duties done in [start, end) on time or late, overdue now, ledger totals, holds in force."""
    done = db.session.execute(select(Duty.kind, Duty.done_at, Duty.deadline_at).where(
        Duty.done_at >= start, Duty.done_at < end, Duty.kind.not_in((EXPIRE_SWEEP, CLAIM)))).all()
    late = sum(1 for _k, at, deadline in done if clock.as_utc(at) > clock.as_utc(deadline))
    overdue = db.session.execute(select(func.count(Duty.id)).where(
        Duty.status == "pending", Duty.deadline_at < clock.now())).scalar_one()
    rows = db.session.execute(select(DestructionLedger.record_class, DestructionLedger.action,
                                     func.sum(DestructionLedger.count))
                              .where(DestructionLedger.at >= start, DestructionLedger.at < end)
                              .group_by(DestructionLedger.record_class, DestructionLedger.action)).all()
    holds = db.session.execute(select(func.count(RetentionHold.id)).where(
        RetentionHold.released_at.is_(None))).scalar_one()
    chart: dict[str, int] = {}
    for _rc, action, n in rows:
        label = labels.korean("retention_action", action)
        chart[label] = chart.get(label, 0) + int(n or 0)
    return {"title": f"보존·파기 이행({DESTRUCTION_DEADLINE_DAYS}일 이내)", "ok": late == 0 and overdue == 0,
            "duties_done": len(done), "done_on_time": len(done) - late, "done_late": late,
            "overdue_now": overdue, "holds_in_force": holds,
            "ledger": [{"record_class": rc, "action": labels.korean("retention_action", a), "count": int(n or 0)}
                       for rc, a, n in sorted(rows)],
            "chart": chart}


DECLARE.audit_section("retention", retention_section)
