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

from bench.bench_member import LOGIN_ID, PASSWORD, member_app, seed_member
from bench.common import prepared_instance

PAGES = ("/", "/products", "/products/{product}", "/cart", "/orders", "/me")


def _count_queries(app) -> list[int]:
    # SQLite's own trace of what it runs: the page cache's raw reads count too, not only the
    # statements SQLAlchemy sends (transaction control is not counted).
    counter = [0]

    def trace(sql: str) -> None:
        if sql.lstrip()[:6].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            counter[0] += 1

    with app.app_context():
        from sentem.extensions import db

        for engine in db.engines.values():
            event.listen(engine, "connect", lambda dbapi_conn, _record: dbapi_conn.set_trace_callback(trace))
            engine.dispose()  # the pooled connections reconnect with the trace on
    return counter


def main(n: int = 200) -> None:
    with prepared_instance(seed=True) as instance:
        app = member_app(instance, RATELIMIT_ENABLED=False)  # CSRF off below: the bench posts forms
        app.config["WTF_CSRF_ENABLED"] = False
        product = seed_member(app)
        client = app.test_client()
        resp = client.post("/login", data={"login_id": LOGIN_ID, "password": PASSWORD})
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
