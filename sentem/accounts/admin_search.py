"""Staff member search without the search value in any URL or log (issue 14, part 5).

The value (an email, a mobile number, a login ID) travels only in a POST body. What the
search found is kept as a short-lived handle in the staff member's own session: the
handle's random name goes into the paging links, and it holds the matching member ids
and the item searched — never the value. A handle lives ``TTL`` and a session keeps the
``KEEP`` newest."""
from __future__ import annotations

import datetime as _dt
import secrets

from flask import session

from .. import clock

SESSION_KEY = "staff_member_searches"
TTL = _dt.timedelta(minutes=15)
KEEP = 5
MAX_IDS = 500  # exact matches on one indexed item: a handful at most


def start(staff_id: int, kind: str, member_ids: list[int]) -> str:
    """Keep a search's result for paging; returns its handle (for ``?search=``)."""
    handles = _live()
    handle = secrets.token_urlsafe(12)
    handles[handle] = {"staff": staff_id, "kind": kind, "ids": list(member_ids)[:MAX_IDS],
                       "at": clock.now().isoformat()}
    newest = sorted(handles.items(), key=lambda kv: kv[1]["at"])[-KEEP:]
    session[SESSION_KEY] = dict(newest)
    return handle


def find(staff_id: int, handle: str | None) -> tuple[str, list[int]] | None:
    """(kind, member ids) of a live handle this staff member made; None when unknown or expired
    (another person signing in on the same browser cannot replay it from the history)."""
    found = _live().get(handle or "")
    return (found["kind"], found["ids"]) if found and found.get("staff") == staff_id else None


def _live() -> dict:
    now = clock.now()
    handles = session.get(SESSION_KEY) or {}
    return {h: v for h, v in handles.items()
            if isinstance(v, dict) and now - clock.as_utc(_dt.datetime.fromisoformat(v["at"])) < TTL}
