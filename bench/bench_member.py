"""Member pages: what a logged-in member's pages serve next to a bare Flask route.

The home page, ``/products``, a product page, ``/cart``, ``/orders`` and ``/me`` are
asked for with a real member session (signed up, one paid order, one product in the
cart, logged in through ``POST /login`` with its CSRF token) by the same gunicorn
(sync workers x2, ``bench.foundation_wsgi``) that serves the bare route ``/_bare/``,
on the demo catalog in embedded SQLite; wrk when installed, else Python threads. Every
request carries the member's cookies and the same User-Agent, bare route included.
Target: each page at least 0.6x the bare route's requests/s (issue 19). The first three
pages come from the page cache (``web.member_pages`` in front of Flask); the last three
from the session's own copy (``web.private_pages``), kept while the member's page revision
(``web.member_revs``, raised by database triggers) and the cart's product revisions stay.
"""
from __future__ import annotations

import time

from bench import goals
from bench.common import embedded_env, gunicorn, load, prepared_instance, print_loads, print_ratios
from bench.httpflow import Browser

TARGET = 0.6
USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
LOGIN_ID, PASSWORD = "benchmember", "bench-pass-1"


def member_app(instance: str, **overrides):
    """The app of a prepared instance as gunicorn would build it (``overrides``: extra settings)."""
    from sentem import create_app

    return create_app({"SENTEM_INSTANCE_PATH": instance, "SENTEM_INPROCESS_SCHEDULER": False,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/sentem.db",
                       "SENTEM_ARCHIVE_DATABASE_URL": f"sqlite:///{instance}/sentem-archive.db",
                       "SENTEM_KEYSTORE_DATABASE_URL": f"sqlite:///{instance}/sentem-keys.db",
                       "SENTEM_TEST_GATEWAY": True, **overrides})


def seed_member(app) -> int:
    """A member with one paid order and one product in the cart; returns that product's id."""
    from sentem.accounts import services
    from sentem.extensions import db
    from sentem.orders import checkout as co
    from sentem.shop import cart
    from sentem.shop.models import Product

    with app.app_context():
        member = services.register(
            {"login_id": LOGIN_ID, "password": PASSWORD, "name": "김벤치", "email": f"{LOGIN_ID}@example.com",
             "mobile": "010-5555-1234", "address1": "서울특별시 중구 세종대로 110"},
            {"terms": True, "privacy": True}, ip="203.0.113.9", user_agent="bench")
        product_id = db.session.query(Product.id).filter_by(active=True).order_by(Product.id).first()[0]
        cart.add(member.id, product_id, 1)
        delivery = {"recipient_name": "홍길동", "recipient_phone": "010-1234-5678", "postcode": "06236",
                    "address1": "서울특별시 강남구 테헤란로 123", "address2": "4층", "delivery_memo": ""}
        result = co.place_order(member, token=co.issue_token(member.id), delivery=delivery,
                                payment_method="test", payment_params={"test_outcome": "approve"})
        assert result.outcome == "paid", result.message
        cart.add(member.id, product_id, 1)
        db.session.commit()
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return product_id


def log_in(url: str) -> dict:
    """Log the member in through the real form; returns the headers of that member's requests."""
    browser = Browser(url, headers={"User-Agent": USER_AGENT})
    status, _, html = browser.get("/login")
    assert status == 200, status
    form = {**Browser.hidden(html), "login_id": LOGIN_ID, "password": PASSWORD}
    status, location, _ = browser.post("/login", form)
    assert status == 302 and location == "/", (status, location)
    status, _, html = browser.get("/me/data")  # the hub greets by name; the data page shows the ID
    assert status == 200 and LOGIN_ID in html, status  # the session really is a member's
    browser.close()
    return {"User-Agent": USER_AGENT, "Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items())}


def write_cost(instance: str, rounds: int = 7, n: int = 2000) -> tuple[float, float]:
    """µs per pair of row updates (a cart line's quantity, then the order's status: both
    raise the member's page revision through the triggers), with the triggers and without
    them; one transaction per round (the commit's disk wait would hide the triggers' own
    cost), alternating rounds, the best of each."""
    from sentem.extensions import db
    from sentem.web import member_revs

    app = member_app(instance)
    with app.app_context():
        engine = db.engine
        with engine.connect() as conn:
            member_id = conn.exec_driver_sql("SELECT id FROM members").scalar()

        def run() -> float:
            with engine.begin() as conn:
                t0 = time.perf_counter()
                for _ in range(n):
                    conn.exec_driver_sql("UPDATE cart_items SET quantity = quantity WHERE member_id = ?", (member_id,))
                    conn.exec_driver_sql("UPDATE orders SET status = status WHERE member_id = ?", (member_id,))
                return (time.perf_counter() - t0) / n * 1e6

        drops = [sql for sql in member_revs.sqlite_ddl() if sql.startswith("DROP")]
        best = {True: float("inf"), False: float("inf")}
        for _ in range(rounds):
            for on in (True, False):
                with engine.begin() as conn:
                    if on:
                        member_revs.apply(conn)
                    else:
                        for sql in drops:
                            conn.exec_driver_sql(sql)
                best[on] = min(best[on], run())
        with engine.begin() as conn:
            member_revs.apply(conn)
        db.session.remove()
        engine.dispose()
    return best[True], best[False]


def main() -> dict:
    with prepared_instance(seed=True) as instance:
        product = seed_member(member_app(instance))
        with_triggers, without = write_cost(instance)
        pages = ("/", "/products", f"/products/{product}", "/cart", "/orders", "/me")
        rows, ratios = [], {}
        with gunicorn("bench.foundation_wsgi:app", embedded_env(instance), workers=2) as url:
            headers = log_in(url)
            # The bare route is measured before and after each page and each page compared with
            # the mean of its two neighbours: a shared machine's load drifts during a run.
            bare = load(url + "/_bare/", headers=headers)
            rows.append(("bare Flask route", bare))
            for path in pages:
                page = load(url + path, headers=headers)
                after = load(url + "/_bare/", headers=headers)
                rows += [(path, page), ("bare Flask route", after)]
                ratios[path] = page["rps"] / ((bare["rps"] + after["rps"]) / 2)
                bare = after
    print("  logged-in member (server-side session), demo catalog, gunicorn sync x2, SQLite")
    print_loads(rows)
    print_ratios(ratios, TARGET, "member {} / bare")
    for path, value in ratios.items():
        goals.ratio(f"member page {path} ÷ bare Flask", value, TARGET)
    print(f"  page-revision triggers' write cost (SQLite, a cart line and an order updated, in one "
          f"transaction): {with_triggers:.1f} µs with, {without:.1f} µs without ({with_triggers / without:.2f}x)")
    return ratios


if __name__ == "__main__":
    main()
