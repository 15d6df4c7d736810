"""Profile the member request path: where a logged-in member's page spends its time.

    python -m bench.profile_member [N]        # N requests per page (default 200)

Builds a fresh embedded instance (``flask init``, ``demo seed``), signs a member up,
puts a product in the cart and places one order, logs in through ``POST /login`` (a
real server-side session) and then asks each member page N times through the test
client under ``cProfile``. Prints, per page: ms per request, SQL statements per request
and the top 10 functions by own time (tottime) and by cumulative time. A dev tool, not
a benchmark (``bench/bench_member.py`` measures through gunicorn).
"""
from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time

from sqlalchemy import event

from bench.common import prepared_instance

PAGES = ("/", "/products", "/products/{product}", "/cart", "/orders", "/me")


def member_app(instance: str):
    """The app of a prepared instance as gunicorn would build it (CSRF off: the bench posts forms)."""
    from sentem import create_app

    return create_app({"SENTEM_INSTANCE_PATH": instance, "SENTEM_INPROCESS_SCHEDULER": False,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/sentem.db",
                       "SENTEM_ARCHIVE_DATABASE_URL": f"sqlite:///{instance}/sentem-archive.db",
                       "SENTEM_KEYSTORE_DATABASE_URL": f"sqlite:///{instance}/sentem-keys.db",
                       "SENTEM_TEST_GATEWAY": True, "RATELIMIT_ENABLED": False})


def seed_member(app, login_id: str = "benchmember", password: str = "bench-pass-1") -> int:
    """A member with one paid order and one product in the cart; returns a product id."""
    from sentem.accounts import services
    from sentem.extensions import db
    from sentem.orders import checkout as co
    from sentem.shop import cart
    from sentem.shop.models import Product

    with app.app_context():
        member = services.register(
            {"login_id": login_id, "password": password, "name": "김벤치", "email": f"{login_id}@example.com",
             "mobile": "010-5555-1234", "address1": "서울특별시 중구 세종대로 110"},
            {"terms": True, "privacy": True}, ip="203.0.113.9", user_agent="bench")
        product = db.session.query(Product).filter_by(active=True).order_by(Product.id).first()
        product_id = product.id
        cart.add(member.id, product_id, 1)
        delivery = {"recipient_name": "홍길동", "recipient_phone": "010-1234-5678", "postcode": "06236",
                    "address1": "서울특별시 강남구 테헤란로 123", "address2": "4층", "delivery_memo": ""}
        result = co.place_order(member, token=co.issue_token(member.id), delivery=delivery,
                                payment_method="test", payment_params={"test_outcome": "approve"})
        assert result.outcome == "paid", result.message
        cart.add(member.id, product_id, 1)
        db.session.commit()
        db.session.remove()
    return product_id


def _count_queries(app) -> list[int]:
    counter = [0]
    with app.app_context():
        from sentem.extensions import db

        for engine in db.engines.values():
            event.listen(engine, "before_cursor_execute", lambda *a, **k: counter.__setitem__(0, counter[0] + 1))
    return counter


def main(n: int = 200) -> None:
    with prepared_instance(seed=True) as instance:
        app = member_app(instance)
        app.config["WTF_CSRF_ENABLED"] = False
        product = seed_member(app)
        client = app.test_client()
        resp = client.post("/login", data={"login_id": "benchmember", "password": "bench-pass-1"})
        assert resp.status_code == 302, resp.status_code
        counter = _count_queries(app)
        for template in PAGES:
            path = template.format(product=product)
            for _ in range(10):  # warm: first-request work is not what a member pays
                assert client.get(path).status_code == 200, path
            counter[0] = 0
            client.get(path)
            queries = counter[0]
            prof = cProfile.Profile()
            t0 = time.perf_counter()
            prof.enable()
            for _ in range(n):
                client.get(path)
            prof.disable()
            ms = (time.perf_counter() - t0) / n * 1000
            print(f"\n##### {path}: {ms:.2f} ms/request (under cProfile), {queries} SQL statements")
            for key in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(prof, stream=out).sort_stats(key).print_stats(12 if key == "tottime" else 30)
                text = out.getvalue()
                print(text[text.index("   ncalls"):])


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
