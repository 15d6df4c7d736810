"""/products result counts (issue 16): counted once per (category, search) and catalog version,
so a member's repeated listing costs no COUNT(*), and a catalog change shows at once."""
from __future__ import annotations

from flask import g

from sentem.extensions import db
from tests.accounts.builders import PASSWORD, register_member
from tests.accounts.test_request_cost import counted
from tests.orders.builders import make_category, make_product


def _listing(client, path: str) -> tuple[str, list[str]]:
    g.pop("_login_user", None)  # the fixture's app context outlives requests: start each one clean
    db.session.expunge_all()
    with counted() as seen:
        resp = client.get(path)
    assert resp.status_code == 200, path
    return resp.get_data(as_text=True), [s for s in seen if "count(" in s.lower()]


def test_a_member_listing_counts_once_per_catalog_version(client):
    cups = make_category(slug="cups", title="컵").id
    for i in range(3):
        make_product(title=f"머그{i}", category_id=cups)
    make_product(title="담요")
    member = register_member()
    assert client.post("/login", data={"login_id": member.login_id, "password": PASSWORD}).status_code == 302

    html, counts = _listing(client, "/products?category=cups")
    assert "상품 3개" in html and len(counts) == 1
    html, counts = _listing(client, "/products?category=cups")
    assert "상품 3개" in html and counts == []  # the same pair again: no COUNT(*)
    html, counts = _listing(client, "/products?q=머그")
    assert "상품 3개" in html and len(counts) == 1  # another pair is counted on its own

    make_product(title="머그3", category_id=cups)  # a catalog change: the version moves
    html, counts = _listing(client, "/products?category=cups")
    assert "상품 4개" in html and len(counts) == 1
    html, _ = _listing(client, "/products?q=머그")
    assert "상품 4개" in html
    html, _ = _listing(client, "/products")
    assert "상품 5개" in html


def test_hiding_a_product_changes_the_count_at_once(client):
    shown = [make_product(title=f"텀블러{i}") for i in range(2)]
    assert "상품 2개" in client.get("/products?q=텀블러").get_data(as_text=True)
    shown[0].active = False
    db.session.commit()
    assert "상품 1개" in client.get("/products?q=텀블러").get_data(as_text=True)
