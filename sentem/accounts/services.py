"""Membership services: signup, profile changes, login checks, lookups. Callable without a request.

Every personal item is sealed under the member's own data key; login ID, email
and mobile are found through their blind indexes only, never by decrypting.
Profile items change only through ``update_profile`` (see ``profile.py``).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from ..privacy import consent as ledger
from ..privacy.registry import REGISTRY
from ..security import aead, datakeys, passwords, throttle
from . import history, sessions, validation
from .auth import member_required  # noqa: F401  (the one login gate, for the other features)
from .models import Member
from .profile import (PROFILE_FIELDS, ProfileError, check_password, check_profile,  # noqa: F401
                      current_values, login_settings, password_matches, taken, update_profile)

_UNKNOWN = "member-unknown-id"  # the throttle's name for consecutive failures of unknown IDs
IN_USE = {"login_id": "이미 사용 중인 아이디입니다.", "email": "이미 사용 중인 이메일입니다."}


class SignupError(ProfileError):
    """Signup refused; ``errors`` maps form fields to Korean messages."""


@dataclass
class AuthResult:
    """Outcome of a login attempt. ``status``: ok | invalid | locked."""

    status: str
    member: Member | None = None
    locked_until: _dt.datetime | None = None
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def find_by_login_id(login_id: str) -> Member | None:
    """The member with this login ID (any status), via the blind index."""
    if not login_id:
        return None
    return db.session.execute(select(Member).where(Member.login_id.matches(login_id))).scalar_one_or_none()


def find_by_email(email: str) -> Member | None:
    """The member with this email (any status), via the blind index."""
    if not email:
        return None
    return db.session.execute(select(Member).where(Member.email.matches(email))).scalar_one_or_none()


def register(data: dict, consents: dict[str, bool], *, ip: str | None = None, user_agent: str | None = None,
             screen: str = "signup") -> Member:
    """Create a member with their consents, in one transaction, and send the email-ownership link.

    ``data`` holds the signup fields (``password_confirm`` optional); ``consents`` maps
    registry consent keys to ticked or not. Raises SignupError with field messages.
    """
    errors = {}
    try:
        check_profile(Member(), data, actor="signup")
    except ProfileError as exc:
        errors.update(exc.errors)
    login = validation.profile_data(data)[0].get("login_id")
    chosen, problems = validation.password_data(data, login)
    errors.update(problems)
    for consent in REGISTRY.consents.values():
        if consent.required and not consents.get(consent.key):
            errors[f"consent_{consent.key}"] = "필수 동의 항목입니다. 동의하지 않으면 가입할 수 없습니다."
    if errors:
        raise SignupError(errors)
    try:
        member = Member(data_key_id=datakeys.create(), status="active", created_at=clock.now(),
                        failed_logins=0, session_epoch=0, password_hash=passwords.hash_password(chosen["password"]))
        update_profile(member, data, actor="signup")  # flushes, and queues the verification link
        for consent in REGISTRY.consents.values():
            ledger.record(member.id, ledger.kind_for(consent.key), bool(consents.get(consent.key)),
                          ip=ip, user_agent=user_agent, screen=screen)
        db.session.commit()
    except ProfileError as exc:
        # Another signup took the login ID or email between the check and now.
        db.session.rollback()
        raise SignupError(exc.errors) from None
    except IntegrityError:
        # Another signup with the same login ID or email won the race (unique blind index).
        db.session.rollback()
        clean = validation.profile_data(data)[0]
        raise SignupError({item: IN_USE[item] for item in ("login_id", "email")
                           if taken(item, clean[item])} or {"login_id": IN_USE["login_id"]}) from None
    except Exception:
        db.session.rollback()
        raise
    return member


def authenticate(login_id: str, password: str, *, ip: str | None = None,
                 user_agent: str | None = None) -> AuthResult:
    """Check a login attempt, record it in the login history, and commit.

    Unknown IDs, wrong passwords and withdrawn members all answer ``invalid``; after
    SENTEM_LOGIN_MAX_FAILURES consecutive failures the account is ``locked`` for
    SENTEM_LOGIN_LOCK_MINUTES (counted on the Sentem clock).
    """
    max_failures, lock_minutes = login_settings()
    now = clock.now()
    try:
        member = find_by_login_id(validation.clean_text(login_id, "login_id").lower())
    except validation.Invalid:
        member = None
    if member is None or member.status == "withdrawn":
        return _unknown_id(login_id, password, member, ip=ip, user_agent=user_agent)
    if member.locked_until is not None and member.locked_until > now:
        history.record("locked", member, ip=ip, user_agent=user_agent)
        db.session.commit()
        return AuthResult("locked", member, member.locked_until)
    if not password_matches(member, password):
        # Atomic increment: parallel failures are all counted.
        db.session.execute(update(Member).where(Member.id == member.id)
                           .values(failed_logins=Member.failed_logins + 1))
        db.session.refresh(member, ["failed_logins"])
        history.record("failure", member, ip=ip, user_agent=user_agent)
        if member.failed_logins >= max_failures:
            member.locked_until = now + _dt.timedelta(minutes=lock_minutes)
            member.failed_logins = 0
            db.session.commit()
            return AuthResult("locked", member, member.locked_until)
        db.session.commit()
        return AuthResult("invalid", member)
    member.failed_logins = 0
    member.locked_until = None
    history.record("login", member, ip=ip, user_agent=user_agent)
    db.session.commit()
    return AuthResult("ok", member)


def _unknown_id(login_id: str, password: str, member: Member | None, *, ip, user_agent) -> AuthResult:
    """An ID that matches no member who can log in answers exactly as a real account would:
    the same cost, and "locked" after the same number of failures, for the same time."""
    max_failures, lock_minutes = login_settings()
    subject = (login_id or "").strip().lower()
    until = throttle.locked_until(_UNKNOWN, subject)
    if until is not None:  # refused before any hashing, as a locked account is
        history.record("locked", member, ip=ip, user_agent=user_agent)
        db.session.commit()
        return AuthResult("locked", None, until)
    _dummy_verify(password)  # same cost as a real check: no hint that the ID is unknown
    history.record("failure", member, ip=ip, user_agent=user_agent)
    db.session.commit()
    until = throttle.note_failure(_UNKNOWN, subject, max_failures=max_failures,
                                  lock_for=_dt.timedelta(minutes=lock_minutes))
    return AuthResult("locked", None, until) if until else AuthResult("invalid")


def record_login(member: Member) -> None:
    """Add a login made without the login form (right after signup) to the history; commits."""
    history.record("login", member)
    db.session.commit()


def may_receive_marketing_email(member: Member) -> bool:
    """Marketing email needs a current grant *and* a verified address."""
    return member.status == "active" and member.is_email_verified and \
        ledger.current(member.id).get("marketing_email", False)


def record_logout(member: Member, *, ip: str | None = None, user_agent: str | None = None) -> None:
    """Add the logout to the login history and commit."""
    history.record("logout", member, ip=ip, user_agent=user_agent)
    db.session.commit()


def logout_everywhere(member_id: int) -> None:
    """End every session of a member (password change, withdrawal); commits."""
    db.session.execute(update(Member).where(Member.id == member_id)
                       .values(session_epoch=Member.session_epoch + 1))
    db.session.commit()
    sessions.end_member_sessions(member_id)


def _dummy_verify(password: str) -> None:
    cache = current_app.extensions.setdefault("sentem_dummy_hash", {})
    params = (current_app.config["ARGON2_TIME_COST"], current_app.config["ARGON2_MEMORY_COST"])
    if params not in cache:
        cache[params] = passwords.hash_password("sentem-dummy-password")
    passwords.verify(cache[params], password or "")


# --- What other features may know about a member (they never import the models) ---------------

@dataclass(frozen=True)
class Contact:
    """A member's state and decrypted addresses, for features that write to members."""

    member_id: int
    status: str  # active | withdrawal_pending | withdrawn
    email: str | None
    email_verified: bool
    mobile: str | None

    @property
    def active(self) -> bool:
        return self.status == "active"


def get(member_id: int) -> Member | None:
    """The member by id (any status), or None."""
    return db.session.get(Member, member_id)


def contact_of(member_id: int) -> Contact | None:
    """The member's contact, or None when there is no such member (or their key is shredded)."""
    member = db.session.get(Member, member_id)
    if member is None:
        return None
    try:
        return Contact(member.id, member.status, member.email, member.email_verified_at is not None,
                       member.mobile)
    except aead.KeyDestroyed:
        return None


def data_key_of(member_id: int) -> int | None:
    """The id of the member's data key (what their records are sealed under), or None."""
    return db.session.execute(select(Member.data_key_id).where(Member.id == member_id)).scalar_one_or_none()


def ids_with_status(status: str) -> Select:
    """A SELECT of the ids of members in ``status`` (in id order), for ``IN`` filters and lists."""
    return select(Member.id).where(Member.status == status).order_by(Member.id)


def statistics_members() -> Select:
    """A SELECT of (id, status, created_at, profile_changed_at) of every member, decrypting
    nothing (statistics job: who may be counted, and whose birth date or address changed)."""
    return select(Member.id, Member.status, Member.created_at, Member.profile_changed_at)


def statistics_logins() -> Select:
    """A SELECT of (member_id, at) of every successful login (statistics job: visits)."""
    return select(history.LoginEvent.member_id, history.LoginEvent.at).where(history.LoginEvent.kind == "login")
