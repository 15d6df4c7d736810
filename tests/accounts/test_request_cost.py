"""What a logged-in member's page costs the databases: the login check is one query (the
server-side session joined to the member's row), each member page a small fixed number of
statements that does not grow with the member's orders, and nothing is decrypted on the
pages that show no personal data (issue 19: the member request path)."""
from __future__ import annotations

import contextlib

import pytest
from flask import g
from sqlalchemy import event

from sentem.extensions import db
from sentem.security import datakeys
from tests.accounts.builders import PASSWORD, register_member

CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


@contextlib.contextmanager
def counted():
    """Statements sent to any of the three databases inside the block."""
    seen: list[str] = []

    def on_execute(conn, cursor, statement, *args):
        seen.append(statement)

    for engine in db.engines.values():
        event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        for engine in db.engines.values():
            event.remove(engine, "before_cursor_execute", on_execute)


def _login(client, member):
    client.environ_base["HTTP_USER_AGENT"] = CHROME
    assert client.post("/login", data={"login_id": member.login_id, "password": PASSWORD}).status_code == 302


def _get(client, path: str):
    # The fixture's app context outlives requests; a server's does not: start each one clean.
    g.pop("_login_user", None)
    g.pop("sentem_data_keys", None)
    db.session.expunge_all()
    resp = client.get(path)
    assert resp.status_code == 200, (path, resp.status_code)
    return resp


def test_the_login_check_is_one_query(client):
    member = register_member()
    _login(client, member)
    _get(client, "/cart")
    with counted() as seen:
        _get(client, "/cart")
    login_checks = [s for s in seen if "login_sessions" in s]
    assert len(login_checks) == 1, seen
    assert "members" in login_checks[0]  # the member's row comes with it
    assert not any(s.lstrip().upper().startswith("SELECT") and "FROM members" in s
                   and "login_sessions" not in s for s in seen), seen


# The login check (1) plus what the page itself reads: the catalog version and its products,
# the cart, the order list.
STATEMENTS = {"/": 3, "/products": 3, "/cart": 2, "/orders": 2}


@pytest.mark.parametrize("path", sorted(STATEMENTS))
def test_member_pages_decrypt_nothing_and_cost_few_statements(client, path, monkeypatch):
    member = register_member()
    _login(client, member)
    _get(client, path)
    opened = []
    real_open = datakeys.open_token
    monkeypatch.setattr(datakeys, "open_token", lambda *a: opened.append(a) or real_open(*a))
    with counted() as seen:
        _get(client, path)
    assert opened == []  # the header shows no name: no personal field is opened
    assert len(seen) <= STATEMENTS[path], seen
