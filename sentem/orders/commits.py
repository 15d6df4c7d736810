"""Commits that keep what the session has loaded.

A plain ``session.commit()`` expires every object, so the next attribute read after a
commit goes back to the database (the checkout read its own order and payment back
three times). Where the request goes on with objects it has just written itself, the
values in memory are exactly what the database holds; anything another request may
change meanwhile is written later only through compare-and-sets (payment answers,
status transitions, stock), which check the database and not the memory.
"""
from __future__ import annotations

from ..extensions import db


def commit_keeping_loaded() -> None:
    """Commit the session's transaction without expiring the objects it holds."""
    session = db.session()
    before, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = before
