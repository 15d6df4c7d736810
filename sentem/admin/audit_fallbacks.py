"""Stand-ins for the self-audit sections other features own (retention, rights, consent).

Used only when the owning feature has not registered its own section by report time
(``sentem.privacy.audit.FALLBACK_SECTIONS``); each reads that feature's tables through a
guarded import, so a build without the feature simply says so.
"""
from __future__ import annotations

from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..privacy import audit


def retention(start, end) -> dict:
    from ..privacy.retention.models import DestructionLedger, Duty

    done = db.session.execute(select(Duty.done_at, Duty.deadline_at).where(
        Duty.done_at >= start, Duty.done_at < end)).all()
    late = sum(1 for d, deadline in done if clock.as_utc(d) > clock.as_utc(deadline))
    overdue = db.session.execute(select(func.count()).select_from(Duty).where(
        Duty.status == "pending", Duty.deadline_at < clock.now())).scalar_one()
    ledger = dict(db.session.execute(select(DestructionLedger.action, func.sum(DestructionLedger.count))
                                     .where(DestructionLedger.at >= start, DestructionLedger.at < end)
                                     .group_by(DestructionLedger.action)).all())
    return {"title": "보존·파기 이행", "ok": late == 0 and overdue == 0, "duties_done": len(done),
            "done_on_time": len(done) - late, "done_late": late, "overdue_now": overdue,
            "chart": {k: int(v or 0) for k, v in ledger.items()}}


def rights(start, end) -> dict:
    from ..myinfo.models import RightsRequest

    rows = db.session.execute(select(RightsRequest.kind, RightsRequest.status, RightsRequest.due_at,
                                     RightsRequest.answered_at).where(
        RightsRequest.received_at >= start, RightsRequest.received_at < end)).all()
    now = clock.now()
    on_time = sum(1 for _k, _s, due, ans in rows if ans is not None and clock.as_utc(ans) <= clock.as_utc(due))
    late = sum(1 for _k, _s, due, ans in rows if ans is not None and clock.as_utc(ans) > clock.as_utc(due))
    open_overdue = sum(1 for _k, s, due, ans in rows if ans is None and s == "received"
                       and clock.as_utc(due) < now)
    by_kind: dict[str, int] = {}
    for kind, *_rest in rows:
        by_kind[kind] = by_kind.get(kind, 0) + 1
    return {"title": "권리 행사 요청 처리(10일 이내)", "ok": late == 0 and open_overdue == 0,
            "received": len(rows), "answered_within_10_days": on_time, "answered_late": late,
            "open_past_deadline": open_overdue, "chart": by_kind}


def consent(start, end) -> dict:
    from ..privacy.consent import ConsentEvent

    rows = db.session.execute(select(ConsentEvent.kind, ConsentEvent.granted, func.count()).where(
        ConsentEvent.at >= start, ConsentEvent.at < end).group_by(ConsentEvent.kind, ConsentEvent.granted)).all()
    chart = {f"{kind} {'동의' if granted else '철회'}": n for kind, granted, n in rows}
    return {"title": "동의 현황", "events": sum(n for *_x, n in rows), "chart": chart}


audit.FALLBACK_SECTIONS.update({"retention": retention, "rights": rights, "consent": consent})
