"""Checkout throughput and oversell count under concurrency.

Database: PostgreSQL when ``SENTEM_BENCH_DATABASE_URL`` is set (its tables are
dropped and recreated; archive and key store use ``SENTEM_BENCH_ARCHIVE_DATABASE_URL``
/ ``SENTEM_BENCH_KEYSTORE_DATABASE_URL`` or SQLite files), else the three
``SENTEM_TEST_*DATABASE_URL`` PostgreSQL test databases when set, else SQLite.

``BENCH_BUYERS`` members (default 400) each check out one unit of one of 4 products
holding ``BENCH_STOCK`` units each (default 50, so half of them must hear "sold
out"), from ``BENCH_THREADS`` threads (default 16) with their own app contexts.
Prints checkouts/s, paid orders/s and the oversell count, which must be 0.
"""
from __future__ import annotations

import os
import queue
import tempfile
import threading

from sqlalchemy import create_engine, text

from bench.common import run_threads

BUYERS = int(os.environ.get("BENCH_BUYERS", "400"))
STOCK = int(os.environ.get("BENCH_STOCK", "50"))
PRODUCTS = 4
THREADS = int(os.environ.get("BENCH_THREADS", "16"))
DELIVERY = {"recipient_name": "홍길동", "recipient_phone": "010-1234-5678", "postcode": "06236",
            "address1": "서울특별시 강남구 테헤란로 123", "address2": "", "delivery_memo": ""}


def _urls(instance: str) -> tuple[str, dict]:
    env = os.environ
    sqlite = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/sentem.db",
              "SENTEM_ARCHIVE_DATABASE_URL": f"sqlite:///{instance}/sentem-archive.db",
              "SENTEM_KEYSTORE_DATABASE_URL": f"sqlite:///{instance}/sentem-keys.db"}
    if env.get("SENTEM_BENCH_DATABASE_URL"):
        return "PostgreSQL (SENTEM_BENCH_DATABASE_URL)", {
            "SQLALCHEMY_DATABASE_URI": env["SENTEM_BENCH_DATABASE_URL"],
            "SENTEM_ARCHIVE_DATABASE_URL": env.get("SENTEM_BENCH_ARCHIVE_DATABASE_URL")
            or sqlite["SENTEM_ARCHIVE_DATABASE_URL"],
            "SENTEM_KEYSTORE_DATABASE_URL": env.get("SENTEM_BENCH_KEYSTORE_DATABASE_URL")
            or sqlite["SENTEM_KEYSTORE_DATABASE_URL"]}
    if env.get("SENTEM_TEST_DATABASE_URL"):
        return "PostgreSQL (SENTEM_TEST_* databases)", {
            "SQLALCHEMY_DATABASE_URI": env["SENTEM_TEST_DATABASE_URL"],
            "SENTEM_ARCHIVE_DATABASE_URL": env["SENTEM_TEST_ARCHIVE_DATABASE_URL"],
            "SENTEM_KEYSTORE_DATABASE_URL": env["SENTEM_TEST_KEYSTORE_DATABASE_URL"]}
    return "SQLite (embedded)", sqlite


def _fresh_schema(urls: dict) -> None:
    for url in urls.values():
        if url.startswith("postgresql"):
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()


def _prepare(app) -> tuple[list, list[int]]:
    from sentem.accounts.models import Member
    from sentem.extensions import db
    from sentem.orders import checkout as co
    from sentem.security import blind_index, datakeys, passwords
    from sentem.shop import cart
    from sentem.shop.models import Product

    db.create_all()
    products = [Product(title=f"벤치 상품 {i}", price=10000 + i * 1000, stock=STOCK, active=True)
                for i in range(PRODUCTS)]
    db.session.add_all(products)
    db.session.commit()
    hashed = passwords.hash_password("bench-password-1")
    buyers = []
    for n in range(BUYERS):
        m = Member(data_key_id=datakeys.create(), status="active", password_hash=hashed)
        m.login_id, m.name, m.email, m.mobile = f"bench{n}", "구매자", f"bench{n}@example.com", "010-0000-0000"
        m.login_id_bidx = blind_index.compute("login_id", m.login_id)
        m.email_bidx = blind_index.compute("email", m.email)
        db.session.add(m)
        db.session.flush()
        cart.add(m.id, products[n % PRODUCTS].id, 1)
        buyers.append((m.id, co.issue_token(m.id)))
    ids = [p.id for p in products]
    db.session.remove()
    return buyers, ids


def main() -> dict:
    from sentem import create_app
    from sentem.extensions import db

    with tempfile.TemporaryDirectory(prefix="sentem-bench-") as instance:
        label, urls = _urls(instance)
        _fresh_schema(urls)
        app = create_app(dict(urls, SENTEM_INSTANCE_PATH=instance, SENTEM_INPROCESS_SCHEDULER=False,
                              SENTEM_REDIS_URL=None, SENTEM_TEST_GATEWAY=True, ARGON2_TIME_COST=1,
                              ARGON2_MEMORY_COST=1024, ARGON2_PARALLELISM=1))
        with app.app_context():
            buyers, product_ids = _prepare(app)
        work: queue.Queue = queue.Queue()
        for b in buyers:
            work.put(b)
        outcomes: list[str] = []
        lock = threading.Lock()

        def worker():
            from sentem.accounts.models import Member
            from sentem.orders import checkout as co
            from sentem.orders.stock import SoldOut

            while True:
                try:
                    member_id, token = work.get_nowait()
                except queue.Empty:
                    return
                with app.app_context():
                    try:
                        member = db.session.get(Member, member_id)
                        answer = co.place_order(member, token=token, delivery=dict(DELIVERY), payment_method="test",
                                                payment_params={"test_outcome": "approve"}).outcome
                    except SoldOut:
                        answer = "sold_out"
                    except Exception as exc:  # counted and named below
                        answer = f"error {type(exc).__name__}"
                    finally:
                        db.session.remove()
                with lock:
                    outcomes.append(answer)

        elapsed = run_threads(worker, THREADS)

        with app.app_context():
            from sentem.orders.models import Order, OrderLine
            from sentem.shop.models import Product

            sold = dict(db.session.query(OrderLine.product_id, db.func.sum(OrderLine.quantity))
                        .join(Order).filter(Order.status == "paid").group_by(OrderLine.product_id).all())
            stocks = {p.id: p.stock for p in db.session.query(Product).filter(Product.id.in_(product_ids))}
            oversell = sum(max(0, int(sold.get(pid, 0)) - STOCK) for pid in product_ids)
            oversell += sum(1 for pid in product_ids if stocks[pid] < 0 or stocks[pid] + int(sold.get(pid, 0)) != STOCK)
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
    paid = outcomes.count("paid")
    errors = [o for o in outcomes if o not in ("paid", "sold_out")]
    print(f"  database: {label}; {BUYERS} buyers, {PRODUCTS} products x {STOCK} units, {THREADS} threads")
    print(f"  {len(outcomes) / elapsed:8.1f} checkouts/s   {paid / elapsed:8.1f} paid orders/s   ({elapsed:.1f} s)")
    print(f"  paid {paid}, sold out {outcomes.count('sold_out')}, errors {len(errors)}"
          + (f" ({', '.join(sorted(set(errors)))})" if errors else ""))
    print(f"  oversell count: {oversell} (must be 0)")
    return {"checkouts_per_s": len(outcomes) / elapsed, "paid_per_s": paid / elapsed, "oversell": oversell,
            "errors": len(errors)}


if __name__ == "__main__":
    main()
