"""One gate for member-only pages: anonymous visitors go to /login?next=<a path on this site>."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sentem.accounts.auth import login_target
from tests.builders import login_as, make_member

SENTEM = Path(__file__).resolve().parents[2] / "sentem"


@pytest.mark.parametrize("path", ["/me/addresses", "/support/new", "/notices/alerts", "/signup/welcome",
                                  "/orders", "/me"])
def test_every_member_page_sends_visitors_to_login_with_next(client, path):
    resp = client.get(path)
    assert resp.status_code == 302 and resp.headers["Location"] == "/login?next=" + path


def test_query_string_comes_back(client):
    assert client.get("/me/requests?p_requests=2").headers["Location"] == "/login?next=/me/requests%3Fp_requests%3D2"


def test_posts_come_back_to_a_page_that_answers_get(client):
    # The same address has a page: back to it.
    assert client.post("/me/edit", data={}).headers["Location"] == "/login?next=/me/edit"
    # The view names where to come back to (the order, not its confirmation step).
    assert client.post("/orders/20261201-ABC123/return", data={}).headers["Location"] == \
        "/login?next=/orders/20261201-ABC123"
    # A POST-only address and no choice: the front page, never a URL that would answer 405.
    assert client.post("/me/items/company_name/delete").headers["Location"] == "/login?next=/"


def test_next_is_always_a_path_on_this_site(app):
    for raw in ("//evil.example/x", "/\\evil.example/x"):
        with app.test_request_context(environ_overrides={"PATH_INFO": raw}):
            target = login_target()
        nxt = target.removeprefix("/login?next=")
        assert nxt.startswith("/") and not nxt.startswith("//") and "\\" not in nxt and "%5C" not in nxt


def test_members_pass(client):
    login_as(client, make_member())
    assert client.get("/me/addresses").status_code == 200


def test_there_is_one_gate():
    """No feature defines its own login gate or uses Flask-Login's."""
    defined, imported = [], []
    for path in SENTEM.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name in ("member_required", "login_required"):
                defined.append(str(path.relative_to(SENTEM)))
            if isinstance(node, ast.ImportFrom) and any(a.name == "login_required" for a in node.names):
                imported.append(str(path.relative_to(SENTEM)))
    assert defined == ["accounts/auth.py"] and imported == []
