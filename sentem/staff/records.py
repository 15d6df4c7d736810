"""Registry entries for staff data: accounts and role changes (3 years each).

The staff access log (2 years) is the privacy core's own record class (``privacy.access_records``).
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import delete, select

from ..extensions import db
from ..privacy.registry import Declarations, Item, RecordClass, Retention
from .models import STAFF_RETENTION, PlanAcknowledgement, RoleChange, Staff

DECLARE = Declarations()  # applied by the package's init_app

for _item in (
    Item("staff_login_id", "직원 로그인 ID", "Staff login ID", ("security",), required=True,
         collected_via="staff", record_class="staff_account"),
    Item("staff_name", "직원 이름", "Staff name", ("security",), collected_via="staff",
         record_class="staff_account"),
    Item("staff_password", "직원 비밀번호", "Staff password", ("security",), required=True, encrypted=False,
         hashed=True, collected_via="staff", record_class="staff_account"),
    Item("staff_totp_secret", "직원 2단계 인증 비밀값", "Staff TOTP secret", ("security",), required=True,
         collected_via="staff", record_class="staff_account"),
):
    DECLARE.item(_item)


def _expire_role_changes(cutoff: _dt.datetime, held: frozenset[str], batch_size: int) -> int:
    """Role changes made before ``cutoff`` (their 3 years are over); staff records carry no order
    number, so no hold can name them (``held`` is always empty)."""
    ids = db.session.execute(select(RoleChange.id).where(RoleChange.at < cutoff)
                             .order_by(RoleChange.id).limit(batch_size)).scalars().all()
    if ids:
        db.session.execute(delete(RoleChange).where(RoleChange.id.in_(ids)))
    return len(ids)


def _expire_staff_accounts(cutoff: _dt.datetime, held: frozenset[str], batch_size: int) -> int:
    """Accounts deactivated before ``cutoff`` (3 years over) go once no role-change record
    (kept 3 years) still names them; their plan acknowledgements go with them."""
    still_named = select(RoleChange.staff_id)
    ids = db.session.execute(select(Staff.id).where(
        Staff.active.is_(False), Staff.deactivated_at < cutoff, Staff.id.not_in(still_named))
        .order_by(Staff.id).limit(batch_size)).scalars().all()
    if ids:
        db.session.execute(delete(PlanAcknowledgement).where(PlanAcknowledgement.staff_id.in_(ids)))
        db.session.execute(delete(Staff).where(Staff.id.in_(ids)))
    return len(ids)


DECLARE.record_class(RecordClass(
    key="staff_account",
    label_ko="직원 계정",
    label_en="Staff accounts",
    items=("staff_login_id", "staff_name", "staff_password", "staff_totp_secret"),
    legal_basis_ko="안전성 확보조치 기준 제5조(접근 권한의 관리), 제6조(접근통제)",
    legal_basis_en="Safety-measures standard Art. 5 (access rights), Art. 6 (access control)",
    retention=STAFF_RETENTION,
    on_withdrawal="keep",
    expire=_expire_staff_accounts,
    models=(Staff,),
    order=900,
))
DECLARE.record_class(RecordClass(
    key="staff_role_changes",
    label_ko="직원 권한 부여·변경·말소 기록",
    label_en="Staff role grants, changes and revocations",
    items=(),
    legal_basis_ko="안전성 확보조치 기준 제5조 제3항(권한 부여·변경·말소 내역 최소 3년 보관)",
    legal_basis_en="Safety-measures standard Art. 5(3): keep records of access-right changes 3 years",
    retention=Retention(years=3, starts="event"),
    on_withdrawal="keep",
    expire=_expire_role_changes,
    models=(RoleChange,),
    order=910,
))
