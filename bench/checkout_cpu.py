"""The checkout's cost in one process, without HTTP: the shop, the floor and the bare flow.

    python -m bench.checkout_cpu [N]      # N flows of each (default BENCH_CPU_FLOWS, 200)

The same three requests as ``bench_checkout`` (``GET /checkout``, ``POST /checkout``,
``GET /orders/<no>``), driven through each app's Flask test client in this process, one
flow at a time, the three apps alternating flow by flow; SQLite files for all three, the
shop's CSRF check off (the floor and the bare flow have none). What it shows: the time
each app itself spends on a flow, with no server, client or network cost to dilute the
differences. At one gunicorn worker the checkout bench measures close to this; the floor's
ratio here is how much of the bare flow's speed the duties alone leave, before any code of
Sentem's own runs. Printed, not a goal.
"""
from __future__ import annotations

import os
import re
import sys
import tempfile
import time

from bench import checkout_bare, checkout_floor
from bench import profile_checkout as shop
from bench.bench_member import LOGIN_ID, PASSWORD, member_app
from bench.common import prepared_instance

FLOWS = int(os.environ.get("BENCH_CPU_FLOWS", "200"))
FORM = {"recipient_name": "홍길동", "address1": "서울특별시 강남구 테헤란로 123"}


def _plain_flow(client) -> None:
    """One checkout of the floor or the bare app (its form, its POST, the order page)."""
    html = client.get("/checkout").get_data(as_text=True)
    token = re.search(r'name="checkout_token" value="([^"]+)"', html).group(1)
    resp = client.post("/checkout", data=dict(FORM, checkout_token=token))
    assert resp.status_code == 303, resp.status_code
    assert client.get(resp.headers["Location"]).status_code == 200


def measure(n: int = FLOWS) -> dict[str, float]:
    """Milliseconds per flow: {"shop", "floor", "bare"}."""
    names = ("BENCH_BARE_DATABASE_URL", "BENCH_FLOOR_KEYS_URL", "BENCH_FLOOR_REDIS_URL")
    before = {name: os.environ.get(name) for name in names}
    with tempfile.TemporaryDirectory(prefix="sentem-bench-cpu-") as folder:
        os.environ["BENCH_BARE_DATABASE_URL"] = f"sqlite:///{folder}/bare.db"
        os.environ["BENCH_FLOOR_KEYS_URL"] = f"sqlite:///{folder}/floor-keys.db"
        os.environ.pop("BENCH_FLOOR_REDIS_URL", None)  # sessions in a table, as the shop keeps them on SQLite
        try:
            return _measure(n)
        finally:
            _dispose()
            for name, value in before.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _dispose() -> None:
    # The two plain apps keep their engines in module globals: gone with this measurement.
    for engine in checkout_floor._engines.values():
        if hasattr(engine, "dispose"):
            engine.dispose()
    checkout_floor._engines.clear()
    if checkout_bare._engine is not None:
        checkout_bare._engine.dispose()
        checkout_bare._engine = None


def _measure(n: int) -> dict[str, float]:
    product = checkout_bare.setup(os.environ["BENCH_BARE_DATABASE_URL"], [10 ** 7])[0]
    checkout_floor.setup(os.environ["BENCH_BARE_DATABASE_URL"], os.environ["BENCH_FLOOR_KEYS_URL"], 1)
    plain = {}
    for name, module in (("floor", checkout_floor), ("bare", checkout_bare)):
        plain[name] = module.app.test_client()
        plain[name].get(f"/login/1?product={product}")
    with prepared_instance(seed=False) as instance:
        app = member_app(instance, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False)
        member_id, product_id = shop._setup(app)
        client = app.test_client()
        assert client.post("/login", data={"login_id": LOGIN_ID, "password": PASSWORD}).status_code == 302
        untimed = [shop._Noop] * 3
        spent = {"shop": 0.0, "floor": 0.0, "bare": 0.0}
        for i in range(n + 5):  # the first five warm each app up and are not counted
            shop._fill(app, member_id, product_id)  # the cart, outside the timing
            t0 = time.perf_counter()
            shop._flow(client, untimed)
            t1 = time.perf_counter()
            _plain_flow(plain["floor"])
            t2 = time.perf_counter()
            _plain_flow(plain["bare"])
            t3 = time.perf_counter()
            if i >= 5:
                spent["shop"] += t1 - t0
                spent["floor"] += t2 - t1
                spent["bare"] += t3 - t2
    return {name: seconds / n * 1000 for name, seconds in spent.items()}


def report(n: int = FLOWS) -> None:
    ms = measure(n)
    print(f"  one process, no HTTP, SQLite, {n} flows each: shop {ms['shop']:.1f} ms/flow, "
          f"floor {ms['floor']:.1f}, bare {ms['bare']:.1f}")
    print(f"    bare ÷ floor = {ms['bare'] / ms['floor']:.2f}x (the duties alone), "
          f"bare ÷ shop = {ms['bare'] / ms['shop']:.2f}x, floor ÷ shop = {ms['floor'] / ms['shop']:.2f}x")


if __name__ == "__main__":
    report(int(sys.argv[1]) if len(sys.argv) > 1 else FLOWS)
