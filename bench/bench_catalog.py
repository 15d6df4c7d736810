"""Catalog figures: ``/products``, a search page and a product page next to a bare Flask route.

All are served by the same gunicorn (sync workers x2, ``bench.foundation_wsgi``) on a
demo catalog plus ``BENCH_CATALOG_SIZES`` extra products (default 500, 50,000 and
500,000, one catalog each) in embedded SQLite, loaded by wrk when installed (else
Python threads). While each catalog is measured a background seller takes one unit of
a random product every 10 ms through ``shop.inventory.take`` (what checkout calls), so
the page cache is measured with sales going on. Target: each page at least 0.8x the
bare route's requests/s, at every size: the median of ``BENCH_ROUNDS`` (3) alternating rounds.
"""
from __future__ import annotations

import contextlib
import os
import random
import statistics
import threading

from bench import goals
from bench.common import embedded_env, gunicorn, load, prepared_instance, print_loads, print_ratios

SIZES = tuple(int(x) for x in os.environ.get(
    "BENCH_CATALOG_SIZES", os.environ.get("BENCH_CATALOG_PRODUCTS", "500,50000,500000")).split(","))
TARGET = 0.8
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SALE_EVERY = 0.01  # seconds between two background sales


def _app(instance: str):
    from sentem import create_app

    return create_app({"SENTEM_INSTANCE_PATH": instance, "SENTEM_INPROCESS_SCHEDULER": False,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/sentem.db",
                       "SENTEM_ARCHIVE_DATABASE_URL": f"sqlite:///{instance}/sentem-archive.db",
                       "SENTEM_KEYSTORE_DATABASE_URL": f"sqlite:///{instance}/sentem-keys.db"})


def _grow_catalog(instance: str, n: int) -> int:
    """Add ``n`` products to the instance's catalog (bulk insert); returns one active product id."""
    from sqlalchemy import insert

    from sentem.extensions import db
    from sentem.shop.models import Category, Product, bump_catalog

    app = _app(instance)
    with app.app_context():
        cats = [c.id for c in Category.query.all()] or [None]
        for start in range(0, n, 10_000):
            db.session.execute(insert(Product), [
                {"title": f"벤치 상품 {i:06d}", "description": "벤치마크용 상품", "price": 1000 + i % 5000 * 10,
                 "stock": 100_000, "active": True, "featured": False, "category_id": cats[i % len(cats)],
                 "revision": 1} for i in range(start, min(n, start + 10_000))])
        bump_catalog(db.session.connection())  # a bulk insert runs no ORM events
        db.session.commit()
        product_id = db.session.query(Product.id).filter_by(active=True).order_by(Product.id).first()[0]
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return product_id


@contextlib.contextmanager
def _sales(instance: str):
    """A background seller; yields a dict whose ``sold`` counts the units it took."""
    from sentem.extensions import db
    from sentem.shop import inventory
    from sentem.shop.models import Product

    app = _app(instance)
    state = {"sold": 0, "stop": threading.Event()}

    def sell():
        with app.app_context():
            ids = [i for (i,) in db.session.query(Product.id).filter_by(active=True)]
            rng = random.Random(7)
            while not state["stop"].wait(SALE_EVERY):
                if inventory.take(rng.choice(ids), 1):
                    state["sold"] += 1
                db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=sell, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state["stop"].set()
        thread.join(timeout=30)


def _measure(instance: str, size: int) -> tuple[list, dict, dict, int]:
    product_id = _grow_catalog(instance, size)
    pages = (("/products", "/products"), ("/products?q=…&page=3", "/products?q=%EB%B2%A4%EC%B9%98&page=3"),
             (f"/products/{product_id}", f"/products/{product_id}"))
    rows, by_round = [], {label: [] for label, _ in pages}
    with gunicorn("bench.foundation_wsgi:app", embedded_env(instance), workers=2) as url, _sales(instance) as sales:
        # The bare route is measured before and after each page, and each page is compared
        # with the mean of its two neighbours: a shared machine's load drifts during a run.
        # ROUNDS such passes, and each page's ratio is their median: here a single pass's
        # ratio moved by up to ±0.15 between two runs, and one slow burst spoils one pass only.
        bare = load(url + "/_bare/")
        rows.append(("bare Flask route", bare))
        for _ in range(ROUNDS):
            for label, path in pages:
                page = load(url + path)
                after = load(url + "/_bare/")
                rows += [(label, page), ("bare Flask route", after)]
                by_round[label].append(page["rps"] / ((bare["rps"] + after["rps"]) / 2))
                bare = after
    return rows, {label: statistics.median(r) for label, r in by_round.items()}, by_round, sales["sold"]


def main() -> dict:
    results = {}
    for size in SIZES:
        with prepared_instance(seed=True) as instance:
            rows, ratios, by_round, sold = _measure(instance, size)
        print(f"  catalog: demo + {size:,} products; {sold:,} units sold in the background meanwhile")
        print_loads(rows)
        for label, values in by_round.items():
            print(f"    {label} / bare, round by round: {', '.join(f'{v:.2f}' for v in values)}")
        print_ratios(ratios, TARGET, template="{} / bare, median of the rounds")
        for label, value in ratios.items():
            goals.ratio(f"anonymous {label} ÷ bare Flask, {size:,} products, sales on", value, TARGET)
        results[size] = ratios
    return results


if __name__ == "__main__":
    main()
