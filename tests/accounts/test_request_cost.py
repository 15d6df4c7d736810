"""What a logged-in member's page costs: the login check reads the member's row once (with
the database session store, in the same query as the session), each member page a small
fixed number of statements, and nothing is decrypted on pages that show no personal data
(issue 19: the member request path)."""
from __future__ import annotations


import pytest

from sentem.security import datakeys, session_store
from tests.accounts.builders import PASSWORD, register_member
from tests.statements import counted, fresh_request

CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


def _login(client, member):
    client.environ_base["HTTP_USER_AGENT"] = CHROME
    assert client.post("/login", data={"login_id": member.login_id, "password": PASSWORD}).status_code == 302


def _get(client, path: str):
    fresh_request()
    resp = client.get(path)
    assert resp.status_code == 200, (path, resp.status_code)
    return resp


def test_the_login_check_is_one_query(client):
    member = register_member()
    _login(client, member)
    _get(client, "/cart")
    with counted() as seen:
        _get(client, "/cart")
    reads_member = [s for s in seen if "FROM members" in s or "JOIN members" in s]
    assert len(reads_member) == 1, seen  # the member's row is read once
    if session_store.backend() == "database":
        # ...in the same statement as the session (Redis holds it otherwise: one GET there).
        assert "login_sessions" in reads_member[0]
        assert sum("login_sessions" in s for s in seen) == 1, seen


# The login check (1) plus what the page itself reads: the catalog version and its products
# (on /products also the result count the list shows), the cart, the order list.
STATEMENTS = {"/": 3, "/products": 4, "/cart": 2, "/orders": 2}


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
