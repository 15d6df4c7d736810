"""Foundation figures: what the shell, the encryption and the blind index cost.

1. Requests/s and p99 of a bare Flask route next to Sentem's home page ``/``, both in
   the same gunicorn (sync workers x2) on loopback, loaded by wrk (or Python threads);
   the home page both as an anonymous visitor sees it (the shop's page cache answers)
   and with a session cookie (rendered by Flask).
2. Field encrypt+decrypt per value through Sentem's data keys next to plain AES-GCM.
3. Blind-index lookup (compute the index, find the member) with 1,000 vs 100,000
   members in a real SQLite database.
"""
from __future__ import annotations

import os
import random
import tempfile
import time

from bench import crypto_steps, goals
from bench.common import embedded_env, gunicorn, load, prepared_instance, print_loads, timeit

VALUE = "홍길동 010-1234-5678 seoul@example.com"  # about 40 bytes, like one personal item


def http_figures() -> dict:
    """Bare route vs home page, same server."""
    with prepared_instance(seed=True) as instance:
        with gunicorn("bench.foundation_wsgi:app", embedded_env(instance), workers=2) as url:
            bare = load(url + "/_bare/")
            home = load(url + "/")
            # A visitor with a session cookie goes past the shop's WSGI page cache into Flask.
            session = load(url + "/", headers={"Cookie": "session=bench"})
    rows = (("bare Flask route", bare), ("home page /", home), ("home, with cookie", session))
    print_loads(rows, indent="  ", width=18)
    ratio = home["rps"] / bare["rps"]
    print(f"  home / bare throughput ratio: {ratio:.2f}x   p99 ratio: {home['p99_ms'] / bare['p99_ms']:.1f}x")
    print(f"  home with cookie / bare:      {session['rps'] / bare['rps']:.2f}x   "
          f"p99 ratio: {session['p99_ms'] / bare['p99_ms']:.1f}x")
    goals.ratio("anonymous home ÷ bare Flask (page cache)", ratio, 0.8)
    return {"bare": bare, "home": home, "home_cookie": session, "ratio": ratio}


def _bench_app(instance: str):
    """A Sentem app on fresh SQLite files in ``instance`` (never the user's configured databases)."""
    from sentem import create_app
    from sentem.extensions import db

    app = create_app({
        "SENTEM_INSTANCE_PATH": instance,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/sentem.db",
        "SENTEM_ARCHIVE_DATABASE_URL": f"sqlite:///{instance}/sentem-archive.db",
        "SENTEM_KEYSTORE_DATABASE_URL": f"sqlite:///{instance}/sentem-keys.db",
        "SENTEM_REDIS_URL": None, "SENTEM_MASTER_KEY": None, "SENTEM_INPROCESS_SCHEDULER": False,
    })
    with app.app_context():
        db.create_all()
    return app


def crypto_figures() -> dict:
    """Per-value cost of a sealed field vs bare AES-256-GCM, timed in alternating rounds (the
    machine is shared: both sides see the same load), best round of each."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from sentem.security import datakeys

    n = int(os.environ.get("BENCH_CRYPTO_N", "20000"))
    key = AESGCM.generate_key(bit_length=256)
    aes = AESGCM(key)
    data = VALUE.encode()

    def plain():
        nonce = os.urandom(12)
        aes.decrypt(nonce, aes.encrypt(nonce, data, None), None)

    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as instance:
        app = _bench_app(instance)
        with app.app_context():
            kid = datakeys.create()

            def field():
                datakeys.open_token(datakeys.seal(kid, VALUE, "name"), "name")

            sealed = bare = float("inf")
            sealed_cpu = bare_cpu = float("inf")
            for _ in range(5):
                sealed = min(sealed, timeit(field, n))
                bare = min(bare, timeit(plain, n))
            # CPU time of this process as well, in many short alternating rounds: on a shared
            # machine the wall clock also counts the time other processes had the core.
            for _ in range(40):
                sealed_cpu = min(sealed_cpu, _cpu_per_call(field, max(1, n // 10)))
                bare_cpu = min(bare_cpu, _cpu_per_call(plain, max(1, n // 10)))
            print(f"  field encrypt+decrypt (data key, token, context): {sealed * 1e6:6.2f} µs/value")
            print(f"  plain AES-256-GCM encrypt+decrypt:                 {bare * 1e6:6.2f} µs/value")
            print(f"  ratio: {sealed / bare:.2f}x   (goal <= 2x; {n} values, 5 alternating rounds of 3, best; "
                  f"load {load:.1f})")
            print(f"  by CPU time: {sealed_cpu * 1e6:.2f} ÷ {bare_cpu * 1e6:.2f} µs = {sealed_cpu / bare_cpu:.2f}x "
                  f"(40 alternating rounds of {max(1, n // 10)}, best)")
            print("  where the field's time goes (each step adds one piece of the real path; load "
                  f"{os.getloadavg()[0]:.1f}):")
            crypto_steps.print_steps(crypto_steps.steps(aes, datakeys._sealer(kid), datakeys, kid, VALUE),
                                     max(1, n // 2))
    goals.ratio("field encrypt+decrypt ÷ bare AES-256-GCM", sealed / bare, 2, at_least=False)
    return {"field_us": sealed * 1e6, "aesgcm_us": bare * 1e6, "ratio": sealed / bare,
            "cpu_ratio": sealed_cpu / bare_cpu}


def _cpu_per_call(fn, n: int) -> float:
    """CPU seconds of this process per call of ``fn`` over ``n`` calls."""
    t0 = time.process_time()
    for _ in range(n):
        fn()
    return (time.process_time() - t0) / n


def _member_db(instance: str, members: int):
    """An app whose SQLite main database holds ``members`` members; returns (app, lookup)."""
    from sqlalchemy import select

    from sentem import clock
    from sentem.accounts.models import Member
    from sentem.extensions import db
    from sentem.security import blind_index, datakeys

    app = _bench_app(instance)
    with app.app_context():
        kid = datakeys.create()
        db.session.commit()
        key = app.extensions["sentem_keyring"].index_key()
        # One sealed token per column for every row: lookups never decrypt, so
        # precomputed tokens keep a 100k-row setup short.
        token = {item: datakeys.seal(kid, f"bench {item}", item) for item in ("login_id", "email", "mobile", "name")}
        now = clock.now()
        batch = []
        for i in range(members):
            batch.append({
                "data_key_id": kid, "status": "active", "password_hash": "x", "failed_logins": 0,
                "created_at": now,
                "login_id_ct": token["login_id"], "email_ct": token["email"],
                "mobile_ct": token["mobile"], "name_ct": token["name"],
                "login_id_bidx": blind_index.compute("login_id", f"member{i}", key),
                "email_bidx": blind_index.compute("email", f"member{i}@example.com", key),
                "mobile_bidx": blind_index.compute("mobile", f"010{i:08d}", key),
            })
            if len(batch) == 10000:
                db.session.execute(Member.__table__.insert(), batch)
                batch.clear()
        if batch:
            db.session.execute(Member.__table__.insert(), batch)
        db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    rng = random.Random(members)

    def lookup():
        # As login does: normalise + HMAC the typed value, then one indexed query.
        email = f"Member{rng.randrange(members)}@Example.com"
        found = db.session.execute(select(Member.id).where(
            Member.email_bidx == blind_index.compute("email", email))).scalar_one()
        assert found

    return app, lookup


def blind_index_figures() -> dict:
    """Lookup cost at 1k and 100k members, timed in alternating rounds (the machine is shared)."""
    lookups = int(os.environ.get("BENCH_LOOKUPS", "2000"))
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        dbs = {1_000: _member_db(a, 1_000), 100_000: _member_db(b, 100_000)}
        setup = time.perf_counter() - t0
        best = {n: float("inf") for n in dbs}
        for _ in range(3):
            for n, (app, lookup) in dbs.items():
                with app.app_context():
                    best[n] = min(best[n], timeit(lookup, lookups))
    small, large = best[1_000], best[100_000]
    print(f"  blind-index lookup, 1,000 members:   {small * 1e6:7.1f} µs")
    print(f"  blind-index lookup, 100,000 members: {large * 1e6:7.1f} µs")
    print(f"  ratio 100k/1k: {large / small:.2f}x   (SQLite, {lookups} lookups x 3 rounds, best; "
          f"setup {setup:.0f}s)")
    goals.ratio("blind-index lookup, 100k ÷ 1k members", large / small, 1.2, at_least=False)
    return {"small_us": small * 1e6, "large_us": large * 1e6, "ratio": large / small}


def main() -> dict:
    print("HTTP (gunicorn sync x2, loopback):")
    figures = {"http": http_figures()}
    print("Field encryption:")
    figures["crypto"] = crypto_figures()
    print("Blind index:")
    figures["blind_index"] = blind_index_figures()
    return figures


if __name__ == "__main__":
    main()
