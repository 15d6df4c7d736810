"""Staff accounts: creation, authentication steps, roles (every change recorded), lockout.

Callable without a request (the CLI and tests use them); each function that changes
state commits its own transaction.
"""
from __future__ import annotations

import datetime as _dt
import secrets
import string

import pyotp
from sqlalchemy import or_, select, update

from .. import clock
from ..extensions import db
from ..security import fields, password_rules, passwords, throttle
from .models import RoleChange, Staff
from .sessions import end_staff_sessions
from .permissions import ROLES

MAX_FAILURES = 5
LOCK_FOR = _dt.timedelta(minutes=30)
# The password step of a sign-in leads to the TOTP step for this long, then starts over.
PENDING_FOR = _dt.timedelta(minutes=5)
TOTP_STEP = 30
ISSUER = "Sentem 관리자"


class StaffError(ValueError):
    """A refused staff operation, with a Korean message."""


def generate_password(length: int = 20, login_id: str | None = None) -> str:
    """A strong random password (letters, digits and a few symbols) that meets the password rules."""
    alphabet = string.ascii_letters + string.digits + "-_.!@#"
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw) \
                and password_rules.problem(pw, login_id) is None:
            return pw


def find_by_login_id(login_id: str) -> Staff | None:
    """The staff account with this login ID (through the blind index), or None."""
    if not (login_id or "").strip():
        return None
    return db.session.execute(select(Staff).where(Staff.login_id.matches(login_id))).scalar_one_or_none()


def create_staff(login_id: str, role: str, password: str | None = None, *, name: str | None = None,
                 actor_id: int | None = None, reason: str | None = None) -> tuple[Staff, str, str]:
    """Create a staff account (committed). Returns (staff, password, totp_secret); the
    password is generated when not given. The grant is recorded as a RoleChange."""
    login_id = (login_id or "").strip()
    if not password_rules.staff_login_ok(login_id):
        raise StaffError(password_rules.STAFF_LOGIN_MESSAGE)
    if role not in ROLES:
        raise StaffError(f"알 수 없는 역할입니다: {role}")
    if find_by_login_id(login_id) is not None:
        raise StaffError("이미 있는 로그인 ID입니다.")
    password = password or generate_password(login_id=login_id)
    problem = password_rules.problem(password, login_id)
    if problem is not None:
        raise StaffError(problem.text)
    secret = pyotp.random_base32()
    staff = Staff(role=role, password_hash=passwords.hash_password(password), active=True,
                  failed_attempts=0, created_at=clock.now())
    staff.login_id = login_id  # its blind index follows
    staff.name = (name or "").strip() or None
    staff.totp_secret = secret
    db.session.add(staff)
    db.session.flush()
    db.session.add(RoleChange(staff_id=staff.id, changed_by_id=actor_id, kind="grant", from_role=None,
                              to_role=role, reason=reason, at=clock.now()))
    db.session.commit()
    return staff, password, secret


def provisioning_uri(staff: Staff) -> str:
    """The otpauth:// URI an authenticator app enrols from."""
    return pyotp.TOTP(staff.totp_secret).provisioning_uri(name=staff.login_id, issuer_name=ISSUER)


def is_locked(staff: Staff) -> bool:
    return bool(staff.locked_until and clock.as_utc(staff.locked_until) > clock.now())


def note_failure(staff: Staff) -> bool:
    """Count a failed password or TOTP attempt; lock after 5. Returns whether now locked (committed)."""
    staff.failed_attempts = (staff.failed_attempts or 0) + 1
    locked = staff.failed_attempts >= MAX_FAILURES
    if locked:
        staff.locked_until = clock.now() + LOCK_FOR
        staff.failed_attempts = 0
    db.session.commit()
    return locked


_dummy_hash: str | None = None


def burn_password_check(password: str) -> None:
    """Spend the time of a real check when the login ID is unknown (no enumeration by timing)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = passwords.hash_password(secrets.token_urlsafe(16))
    passwords.verify(_dummy_hash, password or "")


_UNKNOWN = "staff-unknown-id"


def unknown_id_locked(login_id: str) -> bool:
    """Whether a login ID that names no active account is "locked" (as an account would be)."""
    return throttle.locked_until(_UNKNOWN, (login_id or "").strip().lower()) is not None


def note_unknown_failure(login_id: str) -> bool:
    """Count a failure for an unknown ID like ``note_failure`` does for an account; whether now locked."""
    return throttle.note_failure(_UNKNOWN, (login_id or "").strip().lower(), max_failures=MAX_FAILURES,
                                 lock_for=LOCK_FOR) is not None


def check_password(staff: Staff, password: str) -> bool:
    """Verify a password, rehashing when the parameters changed (not committed)."""
    ok, new_hash = passwords.verify(staff.password_hash, password or "")
    if ok and new_hash:
        staff.password_hash = new_hash
    return ok


def check_totp(staff: Staff, code: str) -> bool:
    """Verify a 6-digit TOTP code at the Sentem clock's time (one step of drift allowed)."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return False
    # An integer timestamp: pyotp reads a datetime as local time, which breaks off-UTC hosts.
    return pyotp.TOTP(staff.totp_secret).verify(code, for_time=int(clock.now().timestamp()), valid_window=1)


def totp_step_of(staff: Staff, code: str) -> int | None:
    """The time step whose code ``code`` is (now, or one step either side), or None."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(staff.totp_secret)
    now_step = int(clock.now().timestamp()) // TOTP_STEP
    for step in (now_step, now_step - 1, now_step + 1):
        if secrets.compare_digest(totp.at(step * TOTP_STEP), code):
            return step
    return None


def consume_totp(staff: Staff, code: str) -> bool:
    """Verify a code for a sign-in and use up its time step (compare-and-set, committed): the
    same code, or an earlier one, never completes another sign-in, even from a parallel request."""
    step = totp_step_of(staff, code)
    if step is None:
        return False
    won = db.session.execute(
        update(Staff).where(Staff.id == staff.id,
                            or_(Staff.totp_last_step.is_(None), Staff.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False)).rowcount == 1
    db.session.commit()
    return won


def pending_valid(staff: Staff, started_at: str | None, version) -> bool:
    """Whether a password step done at ``started_at`` (ISO) against credential ``version`` may
    still lead to the second factor: at most 5 minutes old, and no reset since."""
    try:
        at = _dt.datetime.fromisoformat(started_at or "")
    except ValueError:
        return False
    if version != (staff.credential_version or 0):
        return False
    return _dt.timedelta(0) <= clock.now() - at <= PENDING_FOR


def note_success(staff: Staff, *, first_factor_only: bool = False) -> None:
    """Reset the failure count; stamp the login when both factors passed (not committed)."""
    staff.failed_attempts = 0
    if not first_factor_only:
        now = clock.now()
        staff.last_login_at = now
        staff.last_seen_at = now
        if staff.totp_enrolled_at is None:
            staff.totp_enrolled_at = now


def change_role(staff: Staff, new_role: str, *, actor_id: int | None, reason: str | None = None) -> RoleChange:
    """Change a staff member's role (recorded, committed)."""
    if new_role not in ROLES:
        raise StaffError("알 수 없는 역할입니다.")
    if not staff.active:
        raise StaffError("비활성화된 계정의 역할은 바꿀 수 없습니다.")
    if new_role == staff.role:
        raise StaffError("이미 그 역할입니다.")
    _keep_an_officer(staff, leaving=staff.role == "privacy_officer")
    change = RoleChange(staff_id=staff.id, changed_by_id=actor_id, kind="change", from_role=staff.role,
                        to_role=new_role, reason=reason, at=clock.now())
    staff.role = new_role
    db.session.add(change)
    db.session.commit()
    end_staff_sessions(staff.id)  # the new role starts with a new sign-in
    return change


def deactivate(staff: Staff, *, actor_id: int | None, reason: str | None = None) -> RoleChange:
    """Revoke all access of a staff member (recorded, committed). The account row stays."""
    if not staff.active:
        raise StaffError("이미 비활성화된 계정입니다.")
    if actor_id is not None and actor_id == staff.id:
        raise StaffError("자기 계정은 비활성화할 수 없습니다.")
    _keep_an_officer(staff, leaving=staff.role == "privacy_officer")
    change = RoleChange(staff_id=staff.id, changed_by_id=actor_id, kind="revoke", from_role=staff.role,
                        to_role=None, reason=reason, at=clock.now())
    staff.active = False
    staff.deactivated_at = clock.now()
    fields.reseal(staff)  # now its end is known: sealed under that day's key
    db.session.add(change)
    db.session.commit()
    end_staff_sessions(staff.id)
    return change


def unlock(staff: Staff) -> None:
    """Lift a lockout (committed)."""
    staff.locked_until = None
    staff.failed_attempts = 0
    db.session.commit()


def reset_credentials(staff: Staff) -> tuple[str, str]:
    """New password and TOTP secret (re-enrolment on next sign-in), lock lifted (committed).
    Returns (password, totp_secret) to hand over once."""
    if not staff.active:
        raise StaffError("비활성화된 계정입니다.")
    password = generate_password(login_id=staff.login_id)
    secret = pyotp.random_base32()
    staff.password_hash = passwords.hash_password(password)
    staff.totp_secret = secret
    staff.totp_enrolled_at = None
    staff.locked_until = None
    staff.failed_attempts = 0
    staff.credential_version = (staff.credential_version or 0) + 1  # half-done sign-ins end
    db.session.commit()
    end_staff_sessions(staff.id)
    return password, secret


def _keep_an_officer(staff: Staff, *, leaving: bool) -> None:
    """Refuse to remove the last active privacy officer (someone must run the area)."""
    if not leaving:
        return
    others = db.session.execute(select(Staff.id).where(Staff.role == "privacy_officer", Staff.active.is_(True),
                                                       Staff.id != staff.id)).first()
    if others is None:
        raise StaffError("마지막 개인정보보호책임자의 권한은 회수할 수 없습니다.")


def all_staff() -> list[Staff]:
    return list(db.session.execute(select(Staff).order_by(Staff.id)).scalars())
