"""Membership figures: signup and login request time, login lookup at scale, argon2 cost.

1. Signup (POST /signup) and login (POST /login) through the Flask test client on
   fresh SQLite files, with the production argon2 parameters — milliseconds per request.
2. argon2id hash and verify alone, same parameters: most of (1) is this, on purpose.
3. Login lookup (blind index -> member row) with 1,000 vs 1,000,000 members. Rows are
   bulk-inserted with precomputed blind indexes and copied ciphertext (setup < 1 min);
   the ratio should stay near 1 because the lookup is one B-tree probe.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import random
import shutil
import sqlite3
import tempfile
import time

from bench import goals
from bench.common import timeit

SMALL, LARGE = 1_000, int(os.environ.get("BENCH_MEMBERS", "1000000"))
REQUESTS = int(os.environ.get("BENCH_ACCOUNT_REQUESTS", "15"))


def _app(instance: str, **extra):
    from sentem import create_app
    from sentem.extensions import db

    app = create_app({
        "SENTEM_INSTANCE_PATH": instance, "TESTING": True, "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/sentem.db",
        "SENTEM_ARCHIVE_DATABASE_URL": f"sqlite:///{instance}/sentem-archive.db",
        "SENTEM_KEYSTORE_DATABASE_URL": f"sqlite:///{instance}/sentem-keys.db",
        "SENTEM_REDIS_URL": None, "SENTEM_MASTER_KEY": None, "SENTEM_INPROCESS_SCHEDULER": False, **extra,
    })
    with app.app_context():
        db.create_all()
    return app


def _form(n: int) -> dict:
    return {"login_id": f"bench{n:07d}", "password": "bench-pass-1", "password_confirm": "bench-pass-1",
            "name": "김벤치", "email": f"bench{n:07d}@example.com", "mobile": f"010-{n % 10000:04d}-{n % 9999:04d}",
            "consent_terms": "y", "consent_privacy": "y"}


def request_figures() -> dict:
    """ms per signup and per login request (test client, production argon2 parameters)."""
    with tempfile.TemporaryDirectory() as instance:
        app = _app(instance)
        client = app.test_client()
        client.post("/signup", data=_form(0))  # warm-up: imports, first data key
        client.post("/logout")
        signup, login = [], []
        for n in range(1, REQUESTS + 1):
            t0 = time.perf_counter()
            assert client.post("/signup", data=_form(n)).status_code == 302
            signup.append(time.perf_counter() - t0)
            client.post("/logout")
        for n in range(1, REQUESTS + 1):
            t0 = time.perf_counter()
            resp = client.post("/login", data={"login_id": f"bench{n:07d}", "password": "bench-pass-1"})
            login.append(time.perf_counter() - t0)
            assert resp.status_code == 302
            client.post("/logout")
        with app.app_context():
            from sentem.security import passwords
            h = passwords.hash_password("bench-pass-1")
            hash_s = timeit(lambda: passwords.hash_password("bench-pass-1"), 3)
            verify_s = timeit(lambda: passwords.verify(h, "bench-pass-1"), 3)
            params = {k: app.config[k] for k in ("ARGON2_TIME_COST", "ARGON2_MEMORY_COST", "ARGON2_PARALLELISM")}
    med = lambda xs: sorted(xs)[len(xs) // 2] * 1000  # noqa: E731
    print(f"  POST /signup   median {med(signup):7.1f} ms   ({REQUESTS} requests, test client, SQLite)")
    print(f"  POST /login    median {med(login):7.1f} ms")
    print(f"  argon2id alone: hash {hash_s * 1000:.1f} ms, verify {verify_s * 1000:.1f} ms   ({params})")
    print(f"  login without argon2 verify: ~{max(med(login) - verify_s * 1000, 0):.1f} ms")
    return {"signup_ms": med(signup), "login_ms": med(login), "hash_ms": hash_s * 1000,
            "verify_ms": verify_s * 1000}


def _bulk_insert(db_path: str, start: int, stop: int, template: dict, index_key: bytes) -> None:
    """Insert members ``start..stop-1`` with real blind indexes and copied ciphertext.

    The members table's indexes are dropped during the load and rebuilt after it (one
    sort instead of a million random B-tree inserts); the lookup then uses them as usual.
    """
    prefixes = {k: hmac.new(index_key, k, hashlib.sha256) for k in (b"login_id\0", b"email\0", b"mobile\0")}

    def bidx(kind: bytes, value: str) -> str:
        h = prefixes[kind].copy()  # the key schedule and prefix are hashed once, not per row
        h.update(value.encode())
        return h.hexdigest()

    cols = list(template)
    pos = {c: i for i, c in enumerate(cols)}
    base = [template[c] for c in cols]
    sql = f"INSERT INTO members ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-262144")  # 256 MB for the index sorts of the load only
    conn.execute("PRAGMA temp_store=MEMORY")
    indexes = [r[0] for r in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name='members' AND sql IS NOT NULL")]
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='members' AND sql IS NOT NULL")]

    def rows():
        li, em, mo = pos["login_id_bidx"], pos["email_bidx"], pos["mobile_bidx"]
        for i in range(start, stop):
            row = list(base)
            row[li] = bidx(b"login_id\0", f"user{i:07d}")
            row[em] = bidx(b"email\0", f"user{i:07d}@example.com")
            row[mo] = bidx(b"mobile\0", f"010{i:08d}"[:11])
            yield row

    with conn:
        for name in names:
            conn.execute(f'DROP INDEX "{name}"')
        conn.executemany(sql, rows())
        for ddl in indexes:
            conn.execute(ddl)
    conn.execute("ANALYZE")
    conn.close()


def _measure(app, size: int, n: int = 2000) -> float:
    """Seconds per find_by_login_id of a random existing member."""
    from sentem.accounts import services
    from sentem.extensions import db

    with app.app_context():
        rng = random.Random(size)
        ids = iter([f"user{rng.randrange(1, size):07d}" for _ in range(n + 1)])
        assert services.find_by_login_id(next(ids)) is not None
        t0 = time.perf_counter()
        for _ in range(n):
            services.find_by_login_id(next(ids))
            db.session.expunge_all()
        per = (time.perf_counter() - t0) / n
        db.session.remove()
    return per


def lookup_figures() -> dict:
    """µs per login lookup (find_by_login_id) with SMALL vs LARGE members.

    Both databases exist side by side and are measured in alternation (best of 3 each),
    so that load from other processes does not fall on one size only.
    """
    from sqlalchemy import select

    from sentem.accounts.models import Member
    from sentem.extensions import db

    with tempfile.TemporaryDirectory() as instance:
        app = _app(instance, ARGON2_TIME_COST=1, ARGON2_MEMORY_COST=1024, ARGON2_PARALLELISM=1)
        with app.app_context():
            app.test_client().post("/signup", data=_form(0))
            member = db.session.execute(select(Member)).scalar_one()
            template = {c.name: getattr(member, c.key) for c in Member.__table__.columns if c.name != "id"}
            template["created_at"] = member.created_at.replace(tzinfo=None).isoformat(sep=" ")
            for k in [k for k, v in template.items() if v is None]:
                template.pop(k)
            index_key = app.extensions["sentem_keyring"].index_key()
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
        db_path = os.path.join(instance, "sentem.db")
        _bulk_insert(db_path, 1, SMALL, template, index_key)
        small_dir = os.path.join(instance, "small")
        shutil.copytree(instance, small_dir, ignore=shutil.ignore_patterns("small", "outbox"))
        small_app = _app(small_dir, ARGON2_TIME_COST=1, ARGON2_MEMORY_COST=1024, ARGON2_PARALLELISM=1)
        t0 = time.perf_counter()
        _bulk_insert(db_path, SMALL, LARGE, template, index_key)
        setup = time.perf_counter() - t0
        print(f"  bulk insert of {LARGE - SMALL:,} members with blind indexes: {setup:.1f} s")
        small = large = float("inf")
        for _ in range(3):
            small = min(small, _measure(small_app, SMALL))
            large = min(large, _measure(app, LARGE))
    ratio = large / small
    print(f"  {SMALL:>9,} members: lookup {small * 1e6:7.1f} µs")
    print(f"  {LARGE:>9,} members: lookup {large * 1e6:7.1f} µs")
    print(f"  lookup ratio {LARGE:,} / {SMALL:,} members: {ratio:.2f}x (near 1: one index probe)")
    goals.ratio(f"login lookup, {LARGE:,} ÷ {SMALL:,} members", ratio, 1.2, at_least=False)
    return {"small_us": small * 1e6, "large_us": large * 1e6, "ratio": ratio}


def main() -> dict:
    print("Membership: request time (production argon2 parameters)")
    req = request_figures()
    print("Membership: login lookup through the blind index")
    look = lookup_figures()
    return {**req, **look}


if __name__ == "__main__":
    main()
