"""The staff access log in the registry: its item (the source IP), its record class (kept
2 years, then trimmed from the oldest row) and its integrity section of the self-audit."""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import func, select

from . import labels
from ..extensions import db
from . import access_log
from .access_log import ACCESS_RETENTION, AccessLogEntry, AccessLogHead
from .registry import Declarations, Item, RecordClass

DECLARE = Declarations()  # applied by the package's init_app

DECLARE.item(Item("staff_access_ip", "직원 접속 IP", "Staff access IP address", ("security",),
                  collected_via="staff", record_class="staff_access_log"))


def _expire_access_log(cutoff: _dt.datetime, held: frozenset[str], batch_size: int) -> int:
    # Staff log rows carry no order number: no hold names them (``held`` is always empty).
    return access_log.expire(cutoff, batch_size)


DECLARE.record_class(RecordClass(
    key="staff_access_log",
    label_ko="개인정보취급자 접속기록",
    label_en="Staff access log",
    items=("staff_access_ip",),
    legal_basis_ko="안전성 확보조치 기준 제8조(접속기록의 보관 및 점검, 최소 2년)",
    legal_basis_en="Safety-measures standard Art. 8: access records kept at least 2 years and reviewed",
    retention=ACCESS_RETENTION,
    on_withdrawal="keep",
    expire=_expire_access_log,
    models=(AccessLogEntry, AccessLogHead),
    order=920,
))


def access_log_section(start, end) -> dict:
    """Self-audit section: the chain verified end to end, and the quarter's entries by action."""
    broken = access_log.verify_detail()
    total = db.session.execute(select(func.count()).select_from(AccessLogEntry)
                               .where(AccessLogEntry.at >= start, AccessLogEntry.at < end)).scalar_one()
    by_action = dict(db.session.execute(select(AccessLogEntry.action, func.count())
                                        .where(AccessLogEntry.at >= start, AccessLogEntry.at < end)
                                        .group_by(AccessLogEntry.action)).all())
    top = {labels.korean("access_action", action): n
           for action, n in sorted(by_action.items(), key=lambda kv: -kv[1])[:10]}
    return {"title": "접속기록 무결성", "ok": broken is None, "entries_in_quarter": total,
            "chain": "이상 없음" if broken is None else (f"기록 {broken[0]}에서 끊김: {broken[1]}" if broken[0] > 0
                                                         else broken[1]),
            "downloads": by_action.get("download", 0), "unmasks": by_action.get("unmask", 0),
            "forbidden": by_action.get("forbidden", 0), "chart": top}


DECLARE.audit_section("access_log", access_log_section)
