"""Checkout over HTTP: the real form flow through gunicorn, next to a bare order flow.

Each buyer is a logged-in member (real ``POST /login``, before timing) with one unit
in the cart. Timed: ``GET /checkout``, ``POST /checkout`` (test gateway, approve) and
the order page it leads to — from ``BENCH_CLIENTS`` concurrent clients (default 16),
against gunicorn sync x1, x2 and x4 (``BENCH_WORKERS``; the scale-out figures). The same three requests against ``checkout_bare``
(conditional stock decrement, order row, line row in one transaction) on the same
kind of database and the same gunicorn settings give the ratio; goal >= 0.5x. The same
three requests against ``checkout_floor`` (the bare flow plus only the duties Sentem must do)
show how much of that goal the duties alone take, and how far the shop is from them;
``checkout_cpu`` first prints the same three apps' own time per flow, in one process.
Then a flash sale: ``BENCH_FLASH_BUYERS`` (500) members, one product with
``BENCH_FLASH_STOCK`` (100) units: exactly that many paid, p50/p99 of the flow.

Databases: SQLite files (embedded), and PostgreSQL when ``SENTEM_BENCH_DATABASE_URL``,
``SENTEM_BENCH_ARCHIVE_DATABASE_URL`` and ``SENTEM_BENCH_KEYSTORE_DATABASE_URL`` are
set (their schemas are dropped and recreated); with ``SENTEM_BENCH_REDIS_URL`` the
PostgreSQL shop keeps its sessions and rate limits in Redis, as production does. The server's ``fsync`` setting is
printed: benchmark figures mean something only with it on.
"""
from __future__ import annotations

import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from sqlalchemy import create_engine, text

from bench import checkout_bare, checkout_cpu, checkout_floor, goals
from bench.common import ROOT, embedded_env, gunicorn
from bench.httpflow import Browser

BUYERS = int(os.environ.get("BENCH_BUYERS", "160"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
FLASH_BUYERS = int(os.environ.get("BENCH_FLASH_BUYERS", "500"))
FLASH_STOCK = int(os.environ.get("BENCH_FLASH_STOCK", "100"))
WORKERS = tuple(int(w) for w in os.environ.get("BENCH_WORKERS", "1,2,4").split(","))
FLASH_WORKERS = 2
GOAL = 0.5
PASSWORD = "bench-password-1"
PG_VARS = ("SENTEM_BENCH_DATABASE_URL", "SENTEM_BENCH_ARCHIVE_DATABASE_URL", "SENTEM_BENCH_KEYSTORE_DATABASE_URL")
DELIVERY = {"recipient_name": "홍길동", "recipient_phone": "010-1234-5678", "postcode": "06236",
            "address1": "서울특별시 강남구 테헤란로 123", "address2": "", "delivery_memo": "",
            "payment_method": "test", "test_outcome": "approve"}


def _databases(instance: str) -> list[tuple[str, dict, str, str]]:
    """(label, shop environment, bare database URL, floor key store URL) for each database kind."""
    kinds = [("SQLite", {}, f"sqlite:///{instance}/bare.db", f"sqlite:///{instance}/floor-keys.db")]
    if all(os.environ.get(v) for v in PG_VARS):
        main, archive, keys = (os.environ[v] for v in PG_VARS)
        shop = {"SENTEM_DATABASE_URL": main, "SENTEM_ARCHIVE_DATABASE_URL": archive, "SENTEM_KEYSTORE_DATABASE_URL": keys}
        if os.environ.get("SENTEM_BENCH_REDIS_URL"):
            shop["SENTEM_REDIS_URL"] = os.environ["SENTEM_BENCH_REDIS_URL"]
        kinds.append(("PostgreSQL + Redis" if "SENTEM_REDIS_URL" in shop else "PostgreSQL", shop, main, keys))
    return kinds


def _fresh(urls) -> None:
    for url in urls:
        if url.startswith("postgresql"):
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()


def _fsync(url: str) -> str:
    if not url.startswith("postgresql"):
        return "SQLite (synchronous as the shop sets it)"
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text("SHOW fsync")).scalar()
    engine.dispose()
    return f"PostgreSQL fsync={value}" + ("" if value == "on" else "  (NOT a benchmark setting)")


def _shop_app(env: dict):
    from sentem import create_app

    db_urls = {"SQLALCHEMY_DATABASE_URI": env.get("SENTEM_DATABASE_URL") or f"sqlite:///{env['SENTEM_INSTANCE_PATH']}/sentem.db"}
    for var, name in (("SENTEM_ARCHIVE_DATABASE_URL", "sentem-archive.db"),
                      ("SENTEM_KEYSTORE_DATABASE_URL", "sentem-keys.db")):
        db_urls[var] = env.get(var) or f"sqlite:///{env['SENTEM_INSTANCE_PATH']}/{name}"
    return create_app(dict(db_urls, SENTEM_INSTANCE_PATH=env["SENTEM_INSTANCE_PATH"],
                           SENTEM_INPROCESS_SCHEDULER=False, SENTEM_REDIS_URL=None))


def _members(env: dict, n: int) -> list[tuple[int, str]]:
    """``n`` verified members (id, login id); one production-cost hash shared by all (setup time)."""
    from sentem import clock
    from sentem.accounts.models import Member
    from sentem.extensions import db
    from sentem.security import datakeys, passwords

    app = _shop_app(env)
    with app.app_context():
        hashed = passwords.hash_password(PASSWORD)
        ids = []
        for i in range(n):
            m = Member(data_key_id=datakeys.create(), status="active", password_hash=hashed,
                       email_verified_at=clock.now())
            m.login_id, m.name, m.email, m.mobile = f"bench{i:05d}", "구매자", f"bench{i}@example.com", "010-0000-0000"
            db.session.add(m)
            db.session.flush()
            ids.append((m.id, m.login_id))
        db.session.commit()
        _dispose(db)
    return ids


def _fill_carts(env: dict, members: list[tuple[int, str]], stock: list[int]) -> list[int]:
    """New products with ``stock`` units each; every member's cart gets one unit (round robin)."""
    from sentem.extensions import db
    from sentem.shop import cart
    from sentem.shop.models import Product

    app = _shop_app(env)
    with app.app_context():
        products = [Product(title=f"벤치 상품 {i}", price=10000, stock=s, active=True) for i, s in enumerate(stock)]
        db.session.add_all(products)
        db.session.flush()
        for i, (member_id, _login_id) in enumerate(members):
            cart.add(member_id, products[i % len(products)].id, 1)
        db.session.commit()
        ids = [p.id for p in products]
        _dispose(db)
    return ids


def _paid(env: dict, product_ids: list[int]) -> tuple[int, dict]:
    from sentem.extensions import db
    from sentem.orders.models import Order, OrderLine
    from sentem.shop.models import Product

    app = _shop_app(env)
    with app.app_context():
        paid = (db.session.query(db.func.count(db.distinct(Order.id))).join(OrderLine)
                .filter(Order.status == "paid", OrderLine.product_id.in_(product_ids)).scalar())
        stock = {p.id: p.stock for p in Product.query.filter(Product.id.in_(product_ids))}
        _dispose(db)
    return paid, stock


def _dispose(db) -> None:
    db.session.remove()
    for engine in db.engines.values():
        engine.dispose()


def _login_all(url: str, members: list[tuple[int, str]]) -> list[Browser]:
    """A logged-in browser per member (each from its own client address behind the proxy)."""
    browsers, lock, work = [], threading.Lock(), queue.Queue()
    for i, (_id, login_id) in enumerate(members):
        work.put((i, login_id))

    def run():
        while True:
            try:
                i, login_id = work.get_nowait()
            except queue.Empty:
                return
            b = Browser(url, {"X-Forwarded-For": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"})
            form = dict(Browser.hidden(b.get("/login")[2]), login_id=login_id, password=PASSWORD)
            status, _loc, _ = b.post("/login", form)
            if status != 302:
                raise RuntimeError(f"login of {login_id} answered {status}")
            with lock:
                browsers.append(b)

    _threads(run, 4)
    return browsers


def _threads(fn, n: int) -> float:
    errors = []

    def guarded():
        try:
            fn()
        except Exception as exc:  # re-raised below, in the bench's own thread
            errors.append(exc)

    threads = [threading.Thread(target=guarded) for _ in range(n)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def _shop_order(b: Browser) -> str:
    status, _loc, html = b.get("/checkout")
    if status != 200:
        return f"checkout form {status}"
    status, location, _ = b.post("/checkout", dict(Browser.hidden(html), **DELIVERY))
    if status not in (302, 303) or not location.startswith("/orders/"):
        return "sold_out" if location == "/cart" else f"submit {status} {location}"
    return "ordered" if b.get(location)[0] == 200 else "order page"


def _bare_order(b: Browser) -> str:
    status, _loc, html = b.get("/checkout")
    status, location, _ = b.post("/checkout", dict(Browser.hidden(html), recipient_name="홍길동", address1="서울"))
    if status == 409:
        return "sold_out"
    if status != 303:
        return f"submit {status}"
    return "ordered" if b.get(location)[0] == 200 else "order page"


def _drive(browsers: list[Browser], order) -> tuple[float, list[str], list[float]]:
    """Each browser orders once, ``CLIENTS`` at a time; returns (seconds, outcomes, latencies)."""
    work, outcomes, latencies, lock = queue.Queue(), [], [], threading.Lock()
    for b in browsers:
        work.put(b)

    def run():
        while True:
            try:
                b = work.get_nowait()
            except queue.Empty:
                return
            started = time.perf_counter()
            outcome = order(b)
            with lock:
                outcomes.append(outcome)
                latencies.append(time.perf_counter() - started)

    return _threads(run, CLIENTS), outcomes, latencies


def _bare_browsers(url: str, n: int, product_ids: list[int]) -> list[Browser]:
    browsers = []
    for i in range(n):
        b = Browser(url)
        b.get(f"/login/{i + 1}?product={product_ids[i % len(product_ids)]}")
        browsers.append(b)
    return browsers


def _ms(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else values[0] * 1000


def _one_database(label: str, extra: dict, bare_url: str, floor_keys_url: str, instance: str) -> None:
    env = dict(embedded_env(instance), **extra, SENTEM_LOGIN_RATE_LIMIT="1000000/minute", SENTEM_TRUSTED_PROXIES="1")
    _fresh(list(extra.values()))
    _init(env)
    print(f"  {label}: {_fsync(extra.get('SENTEM_DATABASE_URL', 'sqlite'))}; {BUYERS} orders per run, {CLIENTS} clients")
    members = _members(env, max(BUYERS, FLASH_BUYERS))
    bare_env = dict(env, BENCH_BARE_DATABASE_URL=bare_url, BENCH_FLOOR_KEYS_URL=floor_keys_url)
    if extra.get("SENTEM_REDIS_URL"):  # the floor keeps its sessions where the shop does
        bare_env["BENCH_FLOOR_REDIS_URL"] = extra["SENTEM_REDIS_URL"]
    for workers in WORKERS:
        product_ids = _fill_carts(env, members[:BUYERS], [BUYERS] * 4)
        with gunicorn("bench.foundation_wsgi:app", env, workers=workers) as url:
            browsers = _login_all(url, members[:BUYERS])
            shop_s, shop_out, shop_lat = _drive(browsers, _shop_order)
        bare_ids = checkout_bare.setup(bare_url, [BUYERS] * 4)
        with gunicorn("bench.checkout_bare:app", bare_env, workers=workers) as url:
            bare_s, bare_out, bare_lat = _drive(_bare_browsers(url, BUYERS, bare_ids), _bare_order)
        checkout_floor.setup(bare_url, floor_keys_url, BUYERS)
        with gunicorn("bench.checkout_floor:app", bare_env, workers=workers) as url:
            floor_s, floor_out, _ = _drive(_bare_browsers(url, BUYERS, bare_ids), _bare_order)
        shop_rate, bare_rate = shop_out.count("ordered") / shop_s, bare_out.count("ordered") / bare_s
        floor_rate = floor_out.count("ordered") / floor_s
        odd = sorted({o for o in shop_out + bare_out + floor_out if o != "ordered"})
        print(f"    gunicorn x{workers}: shop {shop_rate:6.1f} orders/s (p50 {_ms(shop_lat, 50):.0f} ms, "
              f"p99 {_ms(shop_lat, 99):.0f} ms)   bare {bare_rate:6.1f} orders/s (p50 {_ms(bare_lat, 50):.0f} ms)"
              f"   ratio {shop_rate / bare_rate:.2f}x (goal >= {GOAL}x)" + (f"   other outcomes: {odd}" if odd else ""))
        print(f"      the duties alone (checkout_floor): {floor_rate:6.1f} orders/s = {floor_rate / bare_rate:.2f}x bare;"
              f" the shop = {shop_rate / floor_rate:.2f}x the duties alone")
        goals.ratio(f"checkout over HTTP ÷ bare order flow, {label.split()[0]}, gunicorn x{workers}",
                    shop_rate / bare_rate, GOAL)
    product_ids = _fill_carts(env, members[:FLASH_BUYERS], [FLASH_STOCK])
    with gunicorn("bench.foundation_wsgi:app", env, workers=FLASH_WORKERS) as url:
        browsers = _login_all(url, members[:FLASH_BUYERS])
        seconds, outcomes, lat = _drive(browsers, _shop_order)
    paid, stock = _paid(env, product_ids)
    verdict = "ok" if paid == FLASH_STOCK and stock[product_ids[0]] == 0 else "WRONG"
    print(f"    flash sale (x{FLASH_WORKERS}): {FLASH_BUYERS} buyers, {FLASH_STOCK} units -> {paid} paid, "
          f"{outcomes.count('sold_out')} told sold out, stock left {stock[product_ids[0]]} ({verdict}); "
          f"p50 {_ms(lat, 50):.0f} ms, p99 {_ms(lat, 99):.0f} ms, {seconds:.1f} s")
    goals.record(f"flash sale, {label.split()[0]}: {FLASH_BUYERS} buyers, {FLASH_STOCK} units",
                 f"{paid} paid, p99 {_ms(lat, 99):.0f} ms", f"{FLASH_STOCK} paid", verdict == "ok")


def _init(env: dict) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "init"], cwd=ROOT, env=env,
                   capture_output=True, text=True, check=True)


def main() -> None:
    checkout_cpu.report()  # what each app spends on a flow by itself, before the servers
    with tempfile.TemporaryDirectory(prefix="sentem-bench-") as instance:
        for label, extra, bare_url, floor_keys_url in _databases(instance):
            sub = os.path.join(instance, label.split()[0].lower())
            os.makedirs(sub)
            _one_database(label, extra, bare_url.replace(instance, sub), floor_keys_url.replace(instance, sub), sub)


if __name__ == "__main__":
    main()
