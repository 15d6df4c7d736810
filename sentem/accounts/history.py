"""Login history (service-usage record): every login, failed login and logout, and the password
changes and reset requests and completions.

IP and user agent are sealed under the member's data key and the key of the row's
retain-until day (5 years on), so they die on time while the member stays. A failed
attempt for a login ID that matches no member has no member: its IP and user agent are
sealed under the master key and the day key instead, and the typed login ID is not stored at
all (people type passwords into the wrong field).
"""
from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import select

from .. import clock
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..privacy.registry import Retention
from ..security.fields import day_key_column, personal

# reset_request / reset_done: 비밀번호 찾기 (no token, no typed value); password_change: /me/password.
LOGIN_RETENTION = Retention(years=5, starts="event")
KINDS = ("login", "failure", "locked", "logout", "reset_request", "reset_done", "password_change")


class LoginEvent(db.Model):
    """One login, failure, lock refusal or logout."""

    __tablename__ = "login_events"

    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, nullable=True, index=True)  # no FK: destroyed in any order
    data_key_id = db.Column(db.Integer, nullable=True)
    kind = db.Column(db.String(16), nullable=False)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    day_key_id = day_key_column(LOGIN_RETENTION)
    ip = personal("login_ip", key="member_or_master", expires=lambda e: _ends(e))
    user_agent = personal("login_user_agent", key="member_or_master", expires=lambda e: _ends(e))


def _ends(event: LoginEvent):
    return LOGIN_RETENTION.until(clock.as_utc(event.at) or clock.now())


def client_ip() -> str:
    """The client address Flask sees (behind a proxy, configure ProxyFix in wsgi)."""
    return (request.remote_addr or "") if has_request_context() else ""


def client_user_agent() -> str:
    return (request.user_agent.string or "")[:512] if has_request_context() else ""


def record(kind: str, member=None, *, ip: str | None = None, user_agent: str | None = None) -> LoginEvent:
    """Add a login-history row (flushed; the caller's transaction commits it)."""
    if kind not in KINDS:
        raise ValueError(f"unknown login event {kind}")
    row = LoginEvent(kind=kind, at=clock.now(), member_id=member.id if member else None,
                     data_key_id=member.data_key_id if member else None)
    row.ip = (client_ip() if ip is None else ip)[:64]
    row.user_agent = (client_user_agent() if user_agent is None else user_agent)[:512]
    db.session.add(row)
    db.session.flush()
    return row


def of_member(member_id: int) -> list[LoginEvent]:
    """A member's login history, oldest first."""
    return list(db.session.execute(select(LoginEvent).where(LoginEvent.member_id == member_id)
                                   .order_by(LoginEvent.at, LoginEvent.id)).scalars())
