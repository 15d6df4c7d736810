"""Registry entries for member data (policy §6①: encrypted items; collected-items list),
the login history, and the functions that export, archive and destroy them."""
from __future__ import annotations

from sqlalchemy import delete, select

from .. import clock
from ..privacy import erasures, labels
from ..extensions import db
from ..notify import outbox
from ..privacy.registry import REGISTRY, ArchiveItem, Declarations, Item, RecordClass, Retention
from ..security import session_store
from . import reset_tokens
from .history import LOGIN_RETENTION, LoginEvent
from .sessions import KIND as SESSION_KIND
from .models import Member

DECLARE = Declarations()  # applied by the package's init_app

_PROFILE = "member_profile"
for _item in (
    Item("login_id", "로그인 ID", "Login ID", ("identify",), required=True, policy_encrypted=True),
    Item("password", "비밀번호", "Password", ("identify",), required=True, encrypted=False, hashed=True),
    Item("name", "이름", "Name", ("join", "identify", "member_mgmt"), required=True, policy_encrypted=True),
    Item("email", "이메일", "Email", ("join", "member_mgmt"), required=True, policy_encrypted=True),
    Item("mobile", "휴대전화 번호", "Mobile number", ("identify", "member_mgmt"), required=True,
         policy_encrypted=True),
    Item("birth_date", "생년월일", "Date of birth", ("identify",)),
    Item("home_phone", "자택전화번호", "Home phone", ("member_mgmt",)),
    Item("postcode", "우편번호", "Postcode", ("delivery",)),
    Item("address1", "자택 주소", "Home address", ("delivery",)),
    Item("address2", "상세 주소", "Address details", ("delivery",)),
    Item("company_name", "회사명", "Company name", ("member_mgmt",), policy_encrypted=True),
    Item("company_phone", "회사 전화번호", "Company phone", ("member_mgmt",), policy_encrypted=True),
    Item("sns_account", "SNS 계정", "SNS account", ("member_mgmt",), policy_encrypted=True),
):
    DECLARE.item(_item)

DECLARE.record_class(RecordClass(
    key=_PROFILE,
    label_ko="회원 정보",
    label_en="Member profile",
    items=("login_id", "password", "name", "email", "mobile", "birth_date", "home_phone", "postcode",
           "address1", "address2", "company_name", "company_phone", "sns_account"),
    legal_basis_ko="정보주체의 동의 (개인정보 보호법 제15조 제1항 제1호)",
    legal_basis_en="Consent of the data subject (PIPA Art. 15(1)1)",
    retention=Retention(years=None, starts="withdrawal"),
    on_withdrawal="destroy",
    export=lambda member_id: export_profile(member_id),
    collect_archive=lambda member_id: [],
    destroy=lambda member_id: destroy_profile(member_id),
    expire=lambda cutoff, held, batch_size: 0,  # kept until withdrawal; nothing expires while a member stays
    models=(Member, reset_tokens.PasswordResetToken),
    order=10,
))


def export_profile(member_id: int) -> list[dict]:
    """The member's profile, decrypted and labelled (the password is never shown)."""
    member = db.session.get(Member, member_id)
    if member is None:
        return []
    row = {}
    for key in REGISTRY.record_class(_PROFILE).items:
        item = REGISTRY.item(key)
        if item.hashed:
            continue
        row[item.label_ko] = getattr(member, key) or ""
    row["가입일시"] = clock.to_kst(member.created_at).strftime("%Y-%m-%d %H:%M:%S")
    row["이메일 인증"] = (clock.to_kst(member.email_verified_at).strftime("%Y-%m-%d %H:%M:%S")
                      if member.email_verified_at else "미인증")
    row["회원 상태"] = {"active": "정상", "withdrawal_pending": "탈퇴 처리 중", "withdrawn": "탈퇴"}.get(
        member.status, member.status)
    return [row]


def destroy_profile(member_id: int) -> int:
    """Delete the Member row, their password-reset links and development-outbox files (no commit)."""
    outbox.purge_member(member_id)
    reset_tokens.destroy_of(member_id)
    return db.session.execute(delete(Member).where(Member.id == member_id)).rowcount


# --- login history (service-usage record) -----------------------------------------------------------
_LOGINS = "login_history"
DECLARE.item(Item("login_ip", "접속 IP 정보", "IP address", ("security", "statistics"),
                   collected_via="automatic", record_class=_LOGINS))
DECLARE.item(Item("login_user_agent", "접속 브라우저 정보", "Browser (user agent)", ("security", "statistics"),
                   collected_via="automatic", record_class=_LOGINS))


def export_logins(member_id: int) -> list[dict]:
    """The member's login history, decrypted and labelled."""
    return [{"구분": labels.korean("login_event", e.kind),
             "일시": clock.to_kst(e.at).strftime("%Y-%m-%d %H:%M:%S"),
             "접속 IP 정보": e.ip or "", "접속 브라우저 정보": e.user_agent or ""}
            for e in _logins_of(member_id)]


def archive_logins(member_id: int) -> list[ArchiveItem]:
    """On withdrawal the history moves to the archive for the rest of its 5 years."""
    return [ArchiveItem(record_class=_LOGINS, order_no=None, occurred_at=e.at,
                        payload={"kind": e.kind, "at": e.at.isoformat(), "ip": e.ip or "",
                                 "user_agent": e.user_agent or ""})
            for e in _logins_of(member_id)]


def destroy_logins(member_id: int) -> int:
    """Delete the member's login history from the main database (no commit)."""
    erasures.deleting(_LOGINS, [member_id])
    return db.session.execute(delete(LoginEvent).where(LoginEvent.member_id == member_id)).rowcount


def expire_logins(cutoff, held: frozenset[str], batch_size: int) -> int:
    """Delete at most ``batch_size`` rows (with or without a member) written before ``cutoff``
    (their 5 years are over). Logins carry no order number: no hold names them."""
    rows = db.session.execute(select(LoginEvent.id, LoginEvent.member_id).where(LoginEvent.at < cutoff)
                              .order_by(LoginEvent.id).limit(batch_size)).all()
    if not rows:
        return 0
    ids = [i for i, _ in rows]
    erasures.deleting(_LOGINS, sorted({m for _, m in rows if m is not None}))  # (a member's last visit)
    return db.session.execute(delete(LoginEvent).where(LoginEvent.id.in_(ids))).rowcount


def _logins_of(member_id: int) -> list[LoginEvent]:
    return list(db.session.execute(select(LoginEvent).where(LoginEvent.member_id == member_id)
                                   .order_by(LoginEvent.at, LoginEvent.id)).scalars())


DECLARE.record_class(RecordClass(
    key=_LOGINS,
    label_ko="로그인 기록 (서비스 이용 기록·접속 로그)",
    label_en="Login history (service-usage record, access log)",
    items=("login_ip", "login_user_agent"),
    legal_basis_ko=("전자상거래 등에서의 소비자보호에 관한 법률 (처리방침: 서비스 이용 기록 5년); "
                    "통신비밀보호법 제15조의2 (로그기록·접속지 추적자료 3개월 이상)"),
    legal_basis_en=("Act on Consumer Protection in Electronic Commerce (policy: service-usage records, 5 years); "
                    "Protection of Communications Secrets Act Art. 15-2 (access logs, at least 3 months)"),
    retention=LOGIN_RETENTION,
    on_withdrawal="archive",
    export=export_logins,
    collect_archive=archive_logins,
    destroy=destroy_logins,
    expire=expire_logins,
    models=(LoginEvent,),
    order=80,
))


# --- signed-in sessions (the revocable session store) --------------------------------------------
_SESSIONS = "login_sessions"
DECLARE.item(Item("session_device", "로그인 중인 기기 종류", "Device type of signed-in sessions", ("security",),
                  encrypted=False, collected_via="automatic", record_class=_SESSIONS))


def export_sessions(member_id: int) -> list[dict]:
    """The member's signed-in sessions: device type, start and last use."""
    return [{"기기": s.device, "로그인 일시": clock.to_kst(s.created_at).strftime("%Y-%m-%d %H:%M:%S"),
             "마지막 사용": clock.to_kst(s.last_seen_at).strftime("%Y-%m-%d %H:%M:%S")}
            for s in session_store.active(SESSION_KIND, member_id)]


DECLARE.record_class(RecordClass(
    key=_SESSIONS,
    label_ko="로그인 세션",
    label_en="Signed-in sessions",
    items=("session_device",),
    legal_basis_ko="정보주체의 동의 (개인정보 보호법 제15조 제1항 제1호): 로그인 상태 유지",
    legal_basis_en="Consent of the data subject (PIPA Art. 15(1)1): keeping the member signed in",
    retention=Retention(years=None, starts="withdrawal"),
    on_withdrawal="destroy",
    export=export_sessions,
    collect_archive=lambda member_id: [],
    destroy=lambda member_id: session_store.destroy(SESSION_KIND, member_id),
    expire=lambda cutoff, held, batch_size: 0,  # each session ends by logout or its own lifetime
    models=(session_store.LoginSession,),
    order=85,
))
