"""Login flood: what one more attempt costs the server, hashed or refused by the per-IP limit.

In-process (Flask test client, embedded default on fresh SQLite files, production argon2
parameters), ``POST /admin/login`` and ``POST /login`` with a new unknown login ID each
time (spraying IDs: no per-account lock applies, only the per-IP limit):

* limit off (``SENTEM_LOGIN_RATE_LIMIT`` huge): every attempt runs argon2;
* limit spent (``1/minute``, already used): the limit answers 429 before any password work.

Prints milliseconds per attempt and the ratio. A flood from one address gets at most the
limit's budget of hashes (30 a minute by default); every attempt beyond costs the ratio less.
"""
from __future__ import annotations

import os
import time

from bench.common import prepared_instance

ATTEMPTS = int(os.environ.get("BENCH_FLOOD_ATTEMPTS", "2" if os.environ.get("BENCH_QUICK") else "10"))


def _per_attempt(client, path: str, n: int, expect: int) -> float:
    t0 = time.perf_counter()
    for i in range(n):
        resp = client.post(path, data={"login_id": f"nobody-{path}-{expect}-{i}", "password": "wrong-password"})
        assert resp.status_code == expect, resp.status_code
    return (time.perf_counter() - t0) / n * 1000


def _app(instance: str, limit: str):
    # The limit is read once, when the app starts (a bad setting fails there): one app per setting.
    from sentem import create_app

    return create_app({
        "SENTEM_INSTANCE_PATH": instance, "WTF_CSRF_ENABLED": False, "SENTEM_LOGIN_RATE_LIMIT": limit,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/sentem.db",
        "SENTEM_ARCHIVE_DATABASE_URL": f"sqlite:///{instance}/sentem-archive.db",
        "SENTEM_KEYSTORE_DATABASE_URL": f"sqlite:///{instance}/sentem-keys.db",
        "SENTEM_REDIS_URL": None, "SENTEM_MASTER_KEY": None, "SENTEM_INPROCESS_SCHEDULER": False})


def main() -> None:
    with prepared_instance(seed=False) as instance:
        open_client = _app(instance, "1000000/minute").test_client()
        limited_client = _app(instance, "1/minute").test_client()
        print(f"ms per login attempt, new unknown ID each time ({ATTEMPTS} hashed, {ATTEMPTS * 5} refused):")
        for path, failed in (("/admin/login", 200), ("/login", 401)):
            open_client.post(path, data={"login_id": "warm-up", "password": "x"})
            hashed = _per_attempt(open_client, path, ATTEMPTS, failed)
            limited_client.post(path, data={"login_id": "spend", "password": "x"})  # may be refused already
            refused = _per_attempt(limited_client, path, ATTEMPTS * 5, 429)
            print(f"  POST {path:13s} hashed {hashed:8.1f} ms   refused by the limit {refused:6.1f} ms   "
                  f"ratio x{hashed / refused:.0f}")


if __name__ == "__main__":
    main()
