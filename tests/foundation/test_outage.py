"""A database outage answers the shop's own 503 page (issue 14, part 7).

The shop on a throwaway PostgreSQL cluster, served over HTTP; the cluster is stopped under
it. Anonymous visitors and a signed-in member (whose loading from the database is what
fails) get 503 with ``Retry-After`` and the shop's Korean page, never a bare 500 or a
traceback; once the cluster is back, the member's session carries on.
"""
from __future__ import annotations

import re

from sentem.extensions import db
from tests.builders import PASSWORD, make_member
from tests.orders.builders import make_product
from tests.races import LiveClient, serving
from tests.retention.pgcluster import pg_cluster, shop_on  # noqa: F401  (the cluster fixture)

LEAKS = ("Traceback", "OperationalError", "psycopg", "sqlalchemy", "Internal Server Error", "127.0.0.1:")


def _assert_outage_page(reply, what: str) -> None:
    assert reply.status == 503, (what, reply.status, reply.body[:300])
    assert reply.headers.get("Retry-After", "").isdigit(), what
    assert "서비스를 잠시 이용할 수 없습니다" in reply.body and 'class="site-header"' in reply.body, what
    assert not [leak for leak in LEAKS if leak in reply.body], what


def test_pages_answer_the_shops_503_while_the_database_is_down(pg_cluster, tmp_path):  # noqa: F811
    with shop_on(pg_cluster, "outage_page", str(tmp_path / "instance")) as app, serving(app) as server:
        member = make_member()
        product = make_product(title="정전 테스트 머그컵")
        anonymous, browser = LiveClient(server), LiveClient(server)
        browser.login(member.login_id, PASSWORD)
        page = browser.get(f"/products/{product.id}")
        assert page.status == 200
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.body).group(1)
        assert browser.get("/me").status == 200
        name, product_id = member.name, product.id
        db.session.remove()  # the test's own connection is not the subject

        pg_cluster.stop()
        try:
            for path in ("/", "/products", f"/products/{product_id}", "/notices"):
                _assert_outage_page(anonymous.request("GET", path), f"anonymous GET {path}")
            for path in ("/", "/me", "/orders", "/cart", "/checkout", f"/products/{product_id}"):
                reply = browser.request("GET", path)
                _assert_outage_page(reply, f"member GET {path}")
                assert name not in reply.body  # nothing of the member is shown
            reply = browser.request("POST", "/cart/add", {"product_id": product_id, "quantity": 1,
                                                          "csrf_token": token})
            _assert_outage_page(reply, "member POST /cart/add")
            english = browser.request("GET", "/me", cookies={**browser.cookies, "lang": "en"})
            assert english.status == 503 and "Service unavailable" in english.body
        finally:
            pg_cluster.start()

        # The database is back: the same session reads the member's pages again.
        assert browser.get("/me").status == 200
        assert browser.request("POST", "/cart/add", {"product_id": product_id, "quantity": 1,
                                                     "csrf_token": token}).status == 302
