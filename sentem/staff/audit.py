"""Staff sections of the quarterly self-audit: who can reach personal data and when they
last did, and the role changes of the quarter. (The access-log chain and the monthly
reviews are the privacy core's sections.)"""
from __future__ import annotations

from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..privacy.access_log import AccessLogEntry
from ..privacy.registry import Declarations
from .models import RoleChange, Staff
from .permissions import GRANTS, PERMISSIONS, ROLES

DECLARE = Declarations()  # applied by the package's init_app

PERSONAL_PERMISSIONS = ("members.view", "members.unmask", "members.download", "orders.view", "orders.download",
                        "shipping.view", "rights.view", "inquiries.view", "archive.view", "marketing.send")


def staff_access(start, end) -> dict:
    """Active staff whose role reaches personal data, and their last personal-data access."""
    rows = []
    unused = 0
    for s in db.session.execute(select(Staff).where(Staff.active.is_(True)).order_by(Staff.id)).scalars():
        perms = sorted(p for p in PERSONAL_PERMISSIONS if p in GRANTS.get(s.role, ()))
        if not perms:
            continue
        last = db.session.execute(select(func.max(AccessLogEntry.at)).where(
            AccessLogEntry.staff_id == s.id, AccessLogEntry.member_id.is_not(None))).scalar()
        in_quarter = db.session.execute(select(func.count()).where(
            AccessLogEntry.staff_id == s.id, AccessLogEntry.member_id.is_not(None),
            AccessLogEntry.at >= start, AccessLogEntry.at < end)).scalar_one()
        if not in_quarter:
            unused += 1
        rows.append({"직원번호": s.id, "역할": ROLES.get(s.role, (s.role,))[0], "권한": ", ".join(PERMISSIONS[p] for p in perms),
                     "마지막 개인정보 접근": clock.to_kst(last).strftime("%Y-%m-%d %H:%M") if last else "없음",
                     "분기 중 접근 건수": in_quarter,
                     "마지막 로그인": clock.to_kst(s.last_login_at).strftime("%Y-%m-%d") if s.last_login_at else "없음"})
    return {"title": "개인정보 취급 직원과 마지막 사용", "staff_with_access": len(rows),
            "unused_in_quarter": unused, "rows": rows,
            "note": "분기 중 한 번도 쓰지 않은 권한은 회수를 검토하세요." if unused else "-"}


def _role(role: str | None) -> str:
    return ROLES.get(role, (role,))[0] if role else "-"


def role_changes(start, end) -> dict:
    """Every grant, change and revocation of the quarter, counted by kind."""
    changes = db.session.execute(select(RoleChange).where(RoleChange.at >= start, RoleChange.at < end)
                                 .order_by(RoleChange.at)).scalars().all()
    kinds = {"grant": "부여", "change": "변경", "revoke": "말소"}
    chart = {label: sum(1 for c in changes if c.kind == k) for k, label in kinds.items()}
    return {"title": "권한 부여·변경·말소", "count": len(changes), "chart": chart,
            "rows": [{"일시": clock.to_kst(c.at).strftime("%Y-%m-%d %H:%M"), "직원번호": c.staff_id,
                      "구분": kinds.get(c.kind, c.kind), "이전": _role(c.from_role), "이후": _role(c.to_role),
                      "변경자": c.changed_by_id or "명령줄", "사유": c.reason or ""} for c in changes]}


DECLARE.audit_section("staff_access", staff_access)
DECLARE.audit_section("role_changes", role_changes)
