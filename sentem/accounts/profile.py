"""A member's profile items, changed through one door: ``update_profile``.

Signup and my-info correction both come here, so a value one of them refuses the
other refuses too. The rules: every item is checked by ``validation.profile_data``
(on the whole profile as it would be after the change); a member changing their own
login ID, email or mobile proves it with their current password; a login ID or email
another member holds is refused; the blind indexes follow the values (the field
declarations keep them in step); a new email address must be verified again; and each
changed item is handed to the caller's correction record.
"""
from __future__ import annotations

import datetime as _dt
from typing import Callable

from flask import current_app
from sqlalchemy import select, update

from .. import clock
from ..extensions import db
from ..security import passwords
from . import sessions, validation, verification
from .models import Member

PROFILE_FIELDS = ("login_id", "name", "email", "mobile", "birth_date", "home_phone", "postcode", "address1",
                  "address2", "company_name", "company_phone", "sns_account")
NEEDS_PASSWORD = ("login_id", "email", "mobile")
ACTORS = ("signup", "member")
# Signup says an address is "in use"; a member correcting theirs is told it is "already registered".
TAKEN = {
    "signup": {"login_id": "이미 사용 중인 아이디입니다.", "email": "이미 사용 중인 이메일입니다."},
    "member": {"login_id": "이미 사용 중인 아이디입니다.", "email": "이미 가입된 이메일입니다."},
}
PASSWORD_NEEDED = "아이디·이메일·휴대전화 번호를 바꾸려면 현재 비밀번호를 정확히 입력해 주세요."


class ProfileError(ValueError):
    """A profile change refused; ``errors`` maps form fields to Korean messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def current_values(member: Member) -> dict:
    """The member's profile items as they are now ('' for blank)."""
    return {key: getattr(member, key) or "" for key in PROFILE_FIELDS}


def login_settings() -> tuple[int, int]:
    """(consecutive failures allowed, lock minutes)."""
    cfg = current_app.config
    return int(cfg.get("SENTEM_LOGIN_MAX_FAILURES", 5)), int(cfg.get("SENTEM_LOGIN_LOCK_MINUTES", 10))


def check_password(member: Member, password: str) -> bool:
    """A password prompt inside member pages (changing items, withdrawal, password change).

    Counts towards the login lockout like the login form: while the account is locked
    the answer is no, without checking; a failure is counted and committed at once (the
    caller may roll back); the failure that locks the account also ends every session of
    the member, so whoever guesses from a signed-in browser is sent to the login page.
    """
    now = clock.now()
    if member.locked_until is not None and clock.as_utc(member.locked_until) > now:
        return False
    if password_matches(member, password):
        if member.failed_logins:
            member.failed_logins = 0
            db.session.flush()
        return True
    max_failures, lock_minutes = login_settings()
    db.session.execute(update(Member).where(Member.id == member.id).values(failed_logins=Member.failed_logins + 1))
    db.session.refresh(member, ["failed_logins"])
    locked = member.failed_logins >= max_failures
    if locked:
        member.locked_until = now + _dt.timedelta(minutes=lock_minutes)
        member.failed_logins = 0
    db.session.commit()
    if locked:
        sessions.end_member_sessions(member.id)
    return False


def password_matches(member: Member, password: str) -> bool:
    """Whether ``password`` is the member's; upgrades the hash when argon2 parameters changed
    (flushed, not committed). Counts nothing: the login form does its own counting."""
    ok, new_hash = passwords.verify(member.password_hash, password or "")
    if ok and new_hash:
        member.password_hash = new_hash
        db.session.flush()
    return ok


def taken(item: str, value: str, member_id: int | None = None) -> bool:
    """Whether another member (not ``member_id``) holds this login ID or email."""
    query = select(Member.id).where(getattr(Member, item).matches(value))
    if member_id is not None:
        query = query.where(Member.id != member_id)
    return db.session.execute(query).first() is not None


def check_profile(member: Member, changes: dict, *, actor: str, password: str | None = None) -> dict:
    """The clean values of the items ``changes`` really changes; raises ProfileError.

    Items not in ``changes`` stay as they are (a partial post never blanks an item); a
    blank value deletes an optional item. Nothing is written.
    """
    if actor not in ACTORS:
        raise ValueError(f"unknown actor {actor!r}")
    before = current_values(member)
    clean, errors = validation.profile_data({**before, **{k: v for k, v in changes.items() if k in before}})
    changed = {k: clean[k] for k in PROFILE_FIELDS if k not in errors and clean[k] != before[k]}
    if actor == "member":
        # Until what was typed is valid and the password is right, nothing else is looked up.
        if errors:
            raise ProfileError(errors)
        if any(k in NEEDS_PASSWORD for k in changed) and not (password and check_password(member, password)):
            raise ProfileError({"current_password": PASSWORD_NEEDED})
    for item in ("login_id", "email"):
        if item in changed and taken(item, changed[item], member.id):
            errors[item] = TAKEN[actor][item]
    if errors:
        raise ProfileError(errors)
    return changed


def update_profile(member: Member, changes: dict, *, actor: str, password: str | None = None,
                   record: Callable[[str, str], None] | None = None) -> list[str]:
    """Validate and apply profile changes; returns the changed item keys. Flushes, never commits.

    ``actor``: ``"signup"`` (the member being created) or ``"member"`` (the member on their own
    pages: changing the login ID, email or mobile needs their current ``password``).
    ``record(item_key, "correct" | "delete")`` is called for each changed item, in the caller's
    transaction (my info's correction record). A changed email is unverified and a new
    verification link is sent once the caller commits. Raises ProfileError with field messages.
    """
    changed = check_profile(member, changes, actor=actor, password=password)
    for key, value in changed.items():
        setattr(member, key, value or None)
        if record is not None:
            record(key, "correct" if value else "delete")
    if member.id is None:
        db.session.add(member)
    db.session.flush()
    if "email" in changed:
        member.email_verified_at = None  # the new address must be proved again
        verification.queue_link(member)
    return list(changed)
