"""Commits that keep the objects the request has just written loaded.

A plain ``session.commit()`` expires every object, so the next attribute read after a
commit goes back to the database (the checkout read its own order and payment back
three times). Where the request goes on with objects it has just written itself, their
values in memory are exactly what the database holds; everything else (products whose
stock an UPDATE statement changed, cart lines, the member) is expired as usual. What
another request may change meanwhile is written later only through compare-and-sets
(payment answers, status transitions, stock), which check the database, not memory.
"""
from __future__ import annotations

from collections.abc import Iterable

from ..extensions import db


def commit_keeping(keep: Iterable) -> None:
    """Commit the session's transaction; expire every object but those in ``keep``."""
    session = db.session()
    kept = {id(obj) for obj in keep}
    before, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = before
    for obj in list(session.identity_map.values()):
        if id(obj) not in kept:
            session.expire(obj)


def release_connection(*keep) -> None:
    """End the session's (read-only) transaction before a remote call.

    A gateway may take seconds; holding a pooled connection (and on SQLite a lock)
    meanwhile would starve other requests. Nothing is pending here, so this commits nothing;
    ``keep`` (the order and payment the call is about) stay loaded: what follows writes them
    only through compare-and-sets, which read the database, not memory.
    """
    commit_keeping(keep)
