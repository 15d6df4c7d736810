"""Members' login sessions: started at login, checked on every request, ended by logout,
withdrawal, password change or reset, and listed on ``/me/sessions``.

The cookie holds a random id; the store (``security.session_store``) keeps its hash.
Lifetimes: no idle limit for members (as before server-side sessions), an absolute end
after ``SENTEM_MEMBER_SESSION_DAYS`` (30 by default); in Redis a key also expires 5 days
after its last use (``session_store``: the destruction deadline holds with Redis away).
"""
from __future__ import annotations

import datetime as _dt

from flask import current_app, has_request_context, request, session

from ..security import session_store as store

KIND = "member"
SESSION_KEY = "_sentem_sid"


def _absolute() -> _dt.timedelta:
    return _dt.timedelta(days=int(current_app.config.get("SENTEM_MEMBER_SESSION_DAYS", 30)))


def issue(member_id: int, user_agent: str | None = None) -> str:
    """A new session for the member; returns the id for the cookie (committed)."""
    if user_agent is None and has_request_context():
        user_agent = request.user_agent.string
    return store.new(KIND, member_id, device=store.device_family(user_agent), absolute=_absolute())


def start(member_id: int) -> None:
    """Start a session for the member in this request's cookie."""
    session[SESSION_KEY] = issue(member_id)


def current_hash() -> str | None:
    """The store's name for this request's session (to mark it in the list), or None."""
    token = session.get(SESSION_KEY) if has_request_context() else None
    return store.hash_of(token) if isinstance(token, str) else None


def current_owner(model):
    """The ``model`` row (a Member) whose live session this request's cookie names, or None:
    the session check and the member's row in one query (refreshes "last used")."""
    return store.get_owned(KIND, session.get(SESSION_KEY), model)[1]


def end_current() -> None:
    """Logout: end this request's session in the store (a saved copy of the cookie reads nothing)."""
    store.end(session.get(SESSION_KEY))


def end_member_sessions(member_id: int, *, keep_current: bool = False) -> int:
    """End every session of the member (withdrawal, password change or reset; "log out other
    devices" with ``keep_current``). Returns how many ended. Works without a request."""
    return store.end_all(KIND, member_id, keep=current_hash() if keep_current else None)


def end_one(member_id: int, id_hash: str) -> bool:
    """End one of the member's sessions, named by its hash."""
    return store.end_one(KIND, member_id, id_hash)


def active(member_id: int) -> list[store.Session]:
    """The member's live sessions, most recently used first."""
    return store.active(KIND, member_id)
