"""Staff login sessions in the revocable store: started when both factors passed, checked
by ``guard.current_staff`` on every request, ended by logout, role changes, deactivation
and ``flask staff reset``.

Lifetimes: idle 30 minutes (``guard.IDLE_TIMEOUT``), absolute 12 hours.
"""
from __future__ import annotations

import datetime as _dt

from flask import has_request_context, request, session

from ..security import session_store as store

KIND = "staff"
SESSION_TOKEN = "staff_sid"
IDLE = _dt.timedelta(minutes=30)
ABSOLUTE = _dt.timedelta(hours=12)


def issue(staff_id: int, user_agent: str | None = None) -> str:
    """A new staff session; returns the id for the cookie (committed)."""
    if user_agent is None and has_request_context():
        user_agent = request.user_agent.string
    return store.new(KIND, staff_id, device=store.device_family(user_agent), absolute=ABSOLUTE, idle=IDLE)


def is_current(staff_id: int) -> bool:
    """Whether this request's cookie names a live session of this staff member."""
    found = store.get(KIND, session.get(SESSION_TOKEN))
    return found is not None and found.owner_id == staff_id


def end_current() -> None:
    """Logout: end this request's staff session in the store."""
    store.end(session.get(SESSION_TOKEN))


def end_staff_sessions(staff_id: int) -> int:
    """End every session of the staff member (role change, deactivation, reset). Returns how many."""
    return store.end_all(KIND, staff_id)
