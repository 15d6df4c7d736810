"""비밀번호 찾기 and 아이디 찾기: a member who forgot proves they hold the address on file.

Both answer the same whether or not anything matched (no hint which login IDs or addresses
exist), and both send only to the address already on file, never to one typed in.

- ``request_reset(login_id, email)``: when both match one member whose email is verified, a
  single-use link (``reset_tokens``) goes to that address; at most ``MAILS_PER_HOUR`` links per
  member an hour (more requests are answered alike and send nothing). Recorded in the login
  history.
- ``complete_reset(token, new, confirm)``: the password rules, then a compare-and-set on the
  link, the new hash, the lock lifted, every session ended, a notice on every channel.
- ``find_id(channel, value)``: the login IDs held under that address, sent through the same
  channel. A channel is a lookup and a sender (``CHANNELS``); SMS slots in as ``"mobile"``
  once there is an SMS provider.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Callable

from flask import current_app, has_request_context, url_for
from sqlalchemy import select, update

from .. import clock
from ..extensions import db
from ..notify import outbox
from ..security import passwords
from . import history, reset_tokens, validation
from .models import Member
from .password_change import notify_changed
from .profile import ProfileError
from .services import logout_everywhere

MAILS_PER_HOUR = 3


class ResetLinkError(ValueError):
    """The link cannot be used; ``state`` is "used", "expired" or "unknown"."""

    def __init__(self, state: str):
        super().__init__(state)
        self.state = state


def input_errors(**typed) -> dict:
    """Field messages for what cannot be a login ID or an email at all (blank, malformed).
    Format only: nothing here depends on whether such a member exists."""
    errors = {}
    for field, value in typed.items():
        try:
            getattr(validation, field)(value)
        except validation.Invalid as exc:
            errors[field] = exc.message
    return errors


def _clean(value, field: str) -> str:
    try:
        return validation.clean_text(value, field)
    except validation.Invalid:
        return ""


def _by_login_id(login_id: str) -> Member | None:
    text = _clean(login_id, "login_id").lower()
    if not text:
        return None
    return db.session.execute(select(Member).where(Member.login_id.matches(text))).scalar_one_or_none()


def _link(token: str) -> str:
    if has_request_context():
        return url_for("accounts.reset_password_form", token=token, _external=True)
    return current_app.config["SENTEM_BASE_URL"].rstrip("/") + f"/account/reset-password/{token}"


def request_reset(login_id: str, email: str, *, ip: str | None = None, user_agent: str | None = None) -> None:
    """Send a reset link when ``login_id`` and ``email`` name one member; commits. Answers nothing."""
    member = _by_login_id(login_id)
    typed = _clean(email, "email")
    if member is None or member.status == "withdrawn" or not typed or not _holds_email(member, typed):
        return
    history.record("reset_request", member, ip=ip, user_agent=user_agent)
    if not member.is_email_verified or \
            reset_tokens.issued_since(member.id, clock.now() - _dt.timedelta(hours=1)) >= MAILS_PER_HOUR:
        db.session.commit()  # the request is on record; no mail (unverified address, or too many)
        return
    token = reset_tokens.issue(member.id)
    to, member_id, link = member.email, member.id, _link(token)
    minutes = int(reset_tokens.VALID_FOR.total_seconds() // 60)
    body = (f"왓플래닛 비밀번호 재설정을 요청하셨습니다.\n아래 링크를 열어 새 비밀번호를 정해 주세요 "
            f"({minutes}분 동안, 한 번만 쓸 수 있습니다).\n\n{link}\n\n"
            "본인이 요청하지 않았다면 이 메일을 무시해 주세요. 비밀번호는 바뀌지 않습니다.")
    outbox.after_commit(db.session(), lambda: outbox.send_email(
        to, "[왓플래닛] 비밀번호 재설정 링크", body, category="password_reset", member_id=member_id),
        member_id=member_id)
    db.session.commit()


def _holds_email(member: Member, email: str) -> bool:
    query = select(Member.id).where(Member.id == member.id, Member.email.matches(email))
    return db.session.execute(query).first() is not None


def link_state(token: str) -> str:
    """"valid", "used", "expired" or "unknown" (a link's page shows the form or says which)."""
    state, row = reset_tokens.state(token)
    if state == "valid":
        member = db.session.get(Member, row.member_id)
        if member is None or member.status == "withdrawn":
            return "unknown"
    return state


def complete_reset(token: str, new_password: str, confirm: str, *, ip: str | None = None,
                   user_agent: str | None = None) -> Member:
    """Set the new password through a valid link; commits. Raises ProfileError (field messages,
    nothing written) or ResetLinkError (the link cannot be used)."""
    state = link_state(token)
    if state != "valid":
        raise ResetLinkError(state)
    _state, row = reset_tokens.state(token)
    member = db.session.get(Member, row.member_id)
    chosen, problems = validation.password_data({"password": new_password, "password_confirm": confirm},
                                                member.login_id)
    if problems:
        raise ProfileError({"new_" + k: v for k, v in problems.items()})
    password_hash = passwords.hash_password(chosen["password"])  # before the transaction's writes
    if not reset_tokens.consume(row):
        db.session.rollback()
        raise ResetLinkError(reset_tokens.state(token)[0])
    # A lock from failed logins is lifted: the member proved the mailbox, and guessing is what
    # the lock was against.
    db.session.execute(update(Member).where(Member.id == member.id).values(
        password_hash=password_hash, failed_logins=0, locked_until=None))
    history.record("reset_done", member, ip=ip, user_agent=user_agent)
    notify_changed(member)
    db.session.commit()
    logout_everywhere(member.id)  # every session, this browser's too (commits)
    return member


# --- 아이디 찾기 ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Channel:
    """How a login ID reaches its owner: who holds ``value``, and how to send them ``text``."""

    lookup: Callable[[str], list[Member]]
    send: Callable[[Member, str], None]


def _members_with_email(email: str) -> list[Member]:
    text = _clean(email, "email")
    if not text:
        return []
    return list(db.session.execute(select(Member).where(Member.email.matches(text),
                                                        Member.status != "withdrawn")).scalars())


def _mail_login_id(member: Member, text: str) -> None:
    to, member_id = member.email, member.id
    outbox.after_commit(db.session(), lambda: outbox.send_email(
        to, "[왓플래닛] 아이디 안내", text, category="find_id", member_id=member_id), member_id=member_id)


CHANNELS = {"email": Channel(_members_with_email, _mail_login_id)}


def find_id(channel: str, value: str) -> None:
    """Send each member holding ``value`` on ``channel`` their login ID through that channel; commits."""
    ch = CHANNELS[channel]
    for member in ch.lookup(value):
        text = (f"왓플래닛에서 이 주소로 가입된 아이디는 {member.login_id} 입니다.\n"
                "비밀번호가 기억나지 않으면 로그인 화면의 '비밀번호 찾기'를 이용해 주세요.\n\n"
                "본인이 요청하지 않았다면 이 메시지를 무시해 주세요.")
        ch.send(member, text)
    db.session.commit()
