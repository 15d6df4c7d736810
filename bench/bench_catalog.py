"""Catalog figures: ``/products`` and a product page next to a bare Flask route.

All three are served by the same gunicorn (sync workers x2, ``bench.foundation_wsgi``)
on a demo catalog plus 500 extra products in embedded SQLite, loaded by wrk when
installed (else Python threads). Target: each page at least 0.5x the bare route's
requests/s.
"""
from __future__ import annotations

import os

from bench.common import embedded_env, gunicorn, load, prepared_instance

EXTRA_PRODUCTS = int(os.environ.get("BENCH_CATALOG_PRODUCTS", "500"))
TARGET = 0.5


def _grow_catalog(instance: str, n: int) -> int:
    """Add ``n`` products to the instance's catalog; returns one active product id."""
    from sentem import create_app
    from sentem.extensions import db
    from sentem.shop.models import Category, Product

    app = create_app({"SENTEM_INSTANCE_PATH": instance, "SENTEM_INPROCESS_SCHEDULER": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/sentem.db",
                      "SENTEM_ARCHIVE_DATABASE_URL": f"sqlite:///{instance}/sentem-archive.db",
                      "SENTEM_KEYSTORE_DATABASE_URL": f"sqlite:///{instance}/sentem-keys.db"})
    with app.app_context():
        cats = Category.query.all()
        for i in range(n):
            db.session.add(Product(title=f"벤치 상품 {i:04d}", description="벤치마크용 상품", price=1000 + i * 10,
                                   stock=100, active=True, category_id=cats[i % len(cats)].id if cats else None))
        db.session.commit()
        product_id = db.session.query(Product.id).filter_by(active=True).order_by(Product.id).first()[0]
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return product_id


def main() -> dict:
    with prepared_instance(seed=True) as instance:
        product_id = _grow_catalog(instance, EXTRA_PRODUCTS)
        pages = (("/products", "/products"), ("/products?q=…&page=3", "/products?q=%EB%B2%A4%EC%B9%98&page=3"),
                 (f"/products/{product_id}", f"/products/{product_id}"))
        rows, ratios = [], {}
        with gunicorn("bench.foundation_wsgi:app", embedded_env(instance), workers=2) as url:
            # The bare route is measured before and after each page, and each page is compared
            # with the mean of its two neighbours: a shared machine's load drifts during a run.
            bare = load(url + "/_bare/")
            rows.append(("bare Flask route", bare))
            for label, path in pages:
                page = load(url + path)
                after = load(url + "/_bare/")
                rows += [(label, page), ("bare Flask route", after)]
                ratios[label] = page["rps"] / ((bare["rps"] + after["rps"]) / 2)
                bare = after
    for label, r in rows:
        extra = f", {r['errors']} non-2xx" if r["errors"] else ""
        print(f"  {label:<22} {r['rps']:>8.0f} req/s   p99 {r['p99_ms']:>7.1f} ms   ({r['tool']}{extra})")
    for label, ratio in ratios.items():
        verdict = "ok" if ratio >= TARGET else f"BELOW target {TARGET}"
        print(f"  {label} / bare: {ratio:.2f}x   ({verdict})")
    return {"bare": bare, "ratios": ratios}


if __name__ == "__main__":
    main()
