"""What a request sends to the databases: statements (and, when asked, COMMITs) counted with
SQLAlchemy engine events on all three databases, for the request-cost tests (issue 19)."""
from __future__ import annotations

import contextlib

from flask import g
from sqlalchemy import event

from sentem.extensions import db


@contextlib.contextmanager
def counted(commits: bool = False):
    """Statements sent to any of the three databases inside the block, in order, each on one
    line; with ``commits`` also a "COMMIT" entry for each commit."""
    seen: list[str] = []

    def on_execute(conn, cursor, statement, *args):
        seen.append(" ".join(statement.split()))

    def on_commit(conn):
        seen.append("COMMIT")

    listeners = [("before_cursor_execute", on_execute)] + ([("commit", on_commit)] if commits else [])
    for engine in db.engines.values():
        for name, fn in listeners:
            event.listen(engine, name, fn)
    try:
        yield seen
    finally:
        for engine in db.engines.values():
            for name, fn in listeners:
                event.remove(engine, name, fn)


def fresh_request() -> None:
    """Start the next test-client request clean: the fixture's app context outlives requests,
    a server's does not (no logged-in member, no unwrapped keys, no loaded rows)."""
    g.pop("_login_user", None)
    g.pop("sentem_data_keys", None)
    db.session.expunge_all()
