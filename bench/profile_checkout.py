"""Profile one member checkout: what each of its three requests costs.

    python -m bench.profile_checkout [N]        # N checkouts profiled (default 50)

Builds a fresh embedded instance (``flask init``), signs a member up, and then, N times:
puts one unit of a product in the cart (not measured), and drives the real form flow
through the test client — ``GET /checkout``, ``POST /checkout`` (test gateway, approve),
``GET /orders/<no>``. Prints per request: ms (under cProfile), SQL statements and COMMITs
(SQLAlchemy engine events, every engine: shop, archive, key store) and the top 15
of the shop's functions by cumulative time and of all functions by own time. A dev tool, not a benchmark (``bench/bench_checkout.py``
measures through gunicorn).
"""
from __future__ import annotations

import cProfile
import io
import pstats
import re
import sys
import time

from sqlalchemy import event

from bench.bench_member import LOGIN_ID, PASSWORD, member_app
from bench.common import ROOT, prepared_instance

DELIVERY = {"recipient_name": "홍길동", "recipient_phone": "010-1234-5678", "postcode": "06236",
            "address1": "서울특별시 강남구 테헤란로 123", "address2": "4층", "delivery_memo": "",
            "payment_method": "test", "test_outcome": "approve"}
STEPS = ("GET /checkout", "POST /checkout", "GET /orders/<no>")


class Counter:
    """SQL statements and COMMITs on every engine of the app (SQLAlchemy events)."""

    def __init__(self, app):
        self.statements = self.commits = 0
        self.log: list[str] = []
        with app.app_context():
            from sentem.extensions import db

            for bind, engine in db.engines.items():
                event.listen(engine, "before_cursor_execute", self._statement)
                event.listen(engine, "commit", lambda _conn, name=bind or "shop": self._commit(name))

    def _statement(self, _conn, _cursor, statement, _params, _context, _many):
        self.statements += 1
        self.log.append(" ".join(statement.split())[:160])

    def _commit(self, name: str):
        self.commits += 1
        self.log.append(f"COMMIT ({name})")

    def take(self) -> tuple[int, int, list[str]]:
        out = (self.statements, self.commits, self.log)
        self.statements = self.commits = 0
        self.log = []
        return out


def _setup(app) -> tuple[int, int]:
    """The member (id) and a product with plenty of stock (id)."""
    from sentem.accounts import services
    from sentem.extensions import db
    from sentem.shop.models import Product

    with app.app_context():
        member = services.register(
            {"login_id": LOGIN_ID, "password": PASSWORD, "name": "김벤치", "email": f"{LOGIN_ID}@example.com",
             "mobile": "010-5555-1234", "address1": "서울특별시 중구 세종대로 110"},
            {"terms": True, "privacy": True}, ip="203.0.113.9", user_agent="bench")
        product = Product(title="프로파일 상품", price=12000, stock=100000, active=True)
        db.session.add(product)
        db.session.commit()
        return member.id, product.id


def _fill(app, member_id: int, product_id: int) -> None:
    from sentem.extensions import db
    from sentem.shop import cart

    with app.app_context():
        cart.add(member_id, product_id, 1)
        db.session.remove()


def _flow(client, steps: list) -> None:
    """One checkout; ``steps[i]`` is called around request i (a context manager factory)."""
    with steps[0]():
        html = client.get("/checkout").get_data(as_text=True)
    token = re.search(r'name="checkout_token" value="([^"]+)"', html).group(1)
    with steps[1]():
        resp = client.post("/checkout", data=dict(DELIVERY, checkout_token=token))
    location = resp.headers.get("Location", "")
    assert resp.status_code in (302, 303) and "/orders/" in location, (resp.status_code, location)
    with steps[2]():
        assert client.get(location).status_code == 200


class _Measured:
    def __init__(self, prof, counter, totals, i):
        self.prof, self.counter, self.totals, self.i = prof, counter, totals, i

    def __call__(self):
        return self

    def __enter__(self):
        self.counter.take()
        self.t0 = time.perf_counter()
        self.prof.enable()

    def __exit__(self, *exc):
        self.prof.disable()
        elapsed = time.perf_counter() - self.t0
        statements, commits, log = self.counter.take()
        t = self.totals[self.i]
        t["ms"] += elapsed * 1000
        t["statements"], t["commits"], t["log"] = statements, commits, log
        return False


def main(n: int = 50, show_sql: bool = False) -> None:
    with prepared_instance(seed=False) as instance:
        app = member_app(instance, RATELIMIT_ENABLED=False)
        app.config["WTF_CSRF_ENABLED"] = False  # the profile posts forms without a browser
        member_id, product_id = _setup(app)
        client = app.test_client()
        assert client.post("/login", data={"login_id": LOGIN_ID, "password": PASSWORD}).status_code == 302
        counter = Counter(app)
        plain = [_Noop] * 3
        for _ in range(5):  # warm: first-request work is not what a buyer pays
            _fill(app, member_id, product_id)
            _flow(client, plain)
        profs = [cProfile.Profile() for _ in STEPS]
        totals = [{"ms": 0.0, "statements": 0, "commits": 0, "log": []} for _ in STEPS]
        steps = [_Measured(profs[i], counter, totals, i) for i in range(3)]
        for _ in range(n):
            _fill(app, member_id, product_id)
            _flow(client, steps)
        all_ms = sum(t["ms"] for t in totals) / n
        print(f"one checkout flow: {all_ms:.1f} ms (under cProfile), "
              f"{sum(t['statements'] for t in totals)} SQL statements, {sum(t['commits'] for t in totals)} COMMITs")
        for name, prof, t in zip(STEPS, profs, totals):
            print(f"\n##### {name}: {t['ms'] / n:.2f} ms/request, {t['statements']} SQL statements, "
                  f"{t['commits']} COMMITs")
            if show_sql:
                print("\n".join("    " + s for s in t["log"]))
            for key, where in (("cumulative", "sentem/"), ("tottime", "")):
                out = io.StringIO()  # the shop's own functions by cumulative time, then anything by own time
                pstats.Stats(prof, stream=out).sort_stats(key).print_stats(where, 15)
                text = out.getvalue()
                print(text[text.index("   ncalls"):].replace(str(ROOT), "."))


class _Noop:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--sql"]
    main(int(args[0]) if args else 50, show_sql="--sql" in sys.argv)
