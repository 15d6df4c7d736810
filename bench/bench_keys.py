"""Key hierarchy costs: shredding one key, re-keying its bucket, a new epoch root.

For each backend (SQLite files; PostgreSQL when ``SENTEM_BENCH_PG_DATABASE_URL``,
``SENTEM_BENCH_PG_ARCHIVE_DATABASE_URL`` and ``SENTEM_BENCH_PG_KEYSTORE_DATABASE_URL``
are set — their ``public`` schema is dropped and recreated!) and each size (1,000 and
1,000,000 members' data keys; ``--quick``: 1,000 and 100,000), in its own process:

1. N data keys, wrapped under bucket keys (``BUCKET_SIZE`` per bucket) under epoch 1,
   are bulk-inserted;
2. **shred**: ``datakeys.shred()`` of one key and its commit (delete, mark the bucket,
   record the shred) — median of 20, keys in different buckets;
3. **re-key**: the bucket of each of those 20 re-keyed (``after_destruction`` step 1:
   a new bucket key, its data keys re-wrapped) — per bucket;
4. **new epoch**: a fresh root and every bucket key re-wrapped under it (step 2);
5. **erase**: the retired root erased from the root file (step 3, both slots fsynced).

Shred and re-key should not grow with N; a new epoch grows with N / BUCKET_SIZE.

Then, per size, the blind-index key rotation a destruction run adds (``reindex.rotate``):
N members with their login ID, email and mobile sealed and indexed under the current
index key are bulk-inserted; the rotation (a new key, every value decrypted and indexed
again, the old key shredded) is timed once. It grows with N: it is the one O(members)
step, run once per sweep that destroyed a member.

Last, per size, day keys (records that end while their member stays, ``security/daykeys.py``):
sealing and opening a value under a member key alone and under member key + day key (a
warm context: the cipher is cached), the first open in a fresh context (key unwraps plus
the HKDF), and the sweep's day-key step closing one due day with N login rows in the table.

    python -m bench keys
    python bench/bench_keys.py --quick
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import PG_ENV, fresh_schema, in_process_config  # noqa: E402

SAMPLES = 20


def _populate(n: int, raws: list | None = None) -> None:
    """N data keys in N / BUCKET_SIZE buckets, wrapped as ``create()`` would, in bulk
    (``raws``: the raw keys are appended to it, id order, for sealing members' data)."""
    from sentem import clock
    from sentem.extensions import db
    from sentem.security import aead, buckets
    from sentem.security.keystore import BUCKET_SIZE, DataKey, KeyBucket, KeyEpoch

    epoch, root = buckets.root_file().current()
    now = clock.now()
    db.session.add(KeyEpoch(id=1, epoch=epoch, started_at=now))
    bucket_rows, key_rows = [], []
    for b in range(n // BUCKET_SIZE + 1):
        braw = aead.new_key()
        bucket_rows.append({"id": b, "gen": 1, "epoch": epoch, "rekeyed_at": now,
                            "wrapped": aead.seal(root, f"r{epoch}", braw, f"bucket:{b}.1")})
        for key_id in range(max(1, b * BUCKET_SIZE), min(n + 1, (b + 1) * BUCKET_SIZE)):
            raw = aead.new_key()
            if raws is not None:
                raws.append(raw)
            key_rows.append({"id": key_id, "kind": "member", "created_at": now,
                             "wrapped": aead.seal(braw, f"b{b}.1", raw, f"datakey:{key_id}")})
        if len(key_rows) >= 50_000:
            db.session.execute(DataKey.__table__.insert(), key_rows)
            key_rows = []
    if key_rows:
        db.session.execute(DataKey.__table__.insert(), key_rows)
    db.session.execute(KeyBucket.__table__.insert(), bucket_rows)
    db.session.commit()
    if db.engines["keys"].dialect.name == "postgresql":
        from sqlalchemy import text

        with db.engines["keys"].begin() as conn:
            conn.execute(text("SELECT setval('data_keys_id_seq', :n)"), {"n": n})
            conn.execute(text("ANALYZE data_keys"))


def measure(backend: str, n: int) -> dict:
    """One (backend, size) in this process; returns the figures in milliseconds."""
    from sentem import clock, create_app
    from sentem.extensions import db
    from sentem.security import buckets, datakeys, epochs
    from sentem.security.keystore import BUCKET_SIZE

    instance = tempfile.mkdtemp(prefix="sentem-bench-keys-")
    app = create_app(in_process_config(backend, instance))
    with app.app_context():
        fresh_schema()
        clock.freeze("2031-12-10T00:00:00+00:00")
        t0 = time.perf_counter()
        _populate(n)
        populate_s = time.perf_counter() - t0
        step = max(1, (n // BUCKET_SIZE) // SAMPLES) * BUCKET_SIZE
        victims = [1 + i * step for i in range(SAMPLES) if 1 + i * step <= n]
        shred_ms = []
        for key_id in victims:
            t = time.perf_counter()
            assert datakeys.shred(key_id)
            db.session.commit()
            shred_ms.append((time.perf_counter() - t) * 1000)
        ring = datakeys.keyring()
        rekey_ms = []
        for key_id in victims:
            t = time.perf_counter()
            buckets.rekey(key_id // BUCKET_SIZE, ring)
            db.session.commit()
            rekey_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        epochs.new_epoch(clock.now(), erase_by=clock.now())
        epoch_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        erased = epochs.erase_due(clock.now())
        erase_ms = (time.perf_counter() - t) * 1000
        assert erased == [1], erased
        db.session.remove()
        for e in db.engines.values():
            e.dispose()
    return {"backend": backend, "n": n, "buckets": n // BUCKET_SIZE + 1, "populate_s": populate_s,
            "shred_ms": statistics.median(shred_ms), "rekey_ms": statistics.median(rekey_ms),
            "epoch_ms": epoch_ms, "erase_ms": erase_ms}


def measure_index(backend: str, n: int) -> dict:
    """The blind-index key rotation over N members (one process); seconds."""
    from sentem import clock, create_app
    from sentem.accounts.models import Member
    from sentem.extensions import db
    from sentem.security import aead, blind_index, reindex

    instance = tempfile.mkdtemp(prefix="sentem-bench-index-")
    app = create_app(in_process_config(backend, instance))
    with app.app_context():
        fresh_schema()
        clock.freeze("2031-12-10T00:00:00+00:00")
        raws: list[bytes] = []
        _populate(n, raws)
        reindex.ensure_key()  # after the data keys: the index key takes the next id
        now, rows = clock.now(), []
        for i, raw in enumerate(raws, start=1):
            values = {"login_id": f"member{i}", "email": f"member{i}@example.com", "mobile": f"010{i:08d}",
                      "name": "홍길동"}
            row = {f"{k}_ct": aead.seal(raw, f"k{i}", v, k) for k, v in values.items()}
            row.update(id=i, data_key_id=i, status="active", password_hash="x", created_at=now,
                       failed_logins=0, session_epoch=0,
                       login_id_bidx=blind_index.compute("login_id", values["login_id"]),
                       email_bidx=blind_index.compute("email", values["email"]),
                       mobile_bidx=blind_index.compute("mobile", values["mobile"], phone=True))
            rows.append(row)
            if len(rows) >= 20_000:
                db.session.execute(Member.__table__.insert(), rows)
                rows = []
        if rows:
            db.session.execute(Member.__table__.insert(), rows)
        db.session.commit()
        t, cpu = time.perf_counter(), time.process_time()
        done = reindex.rotate()
        rotate_s, cpu_s = time.perf_counter() - t, time.process_time() - cpu
        assert done["rows"] == 3 * n and done["unreadable"] == 0, done
        probe = db.session.query(Member.id).filter(Member.email.matches(f"member{n}@example.com")).scalar()
        assert probe == n
        db.session.remove()
        for e in db.engines.values():
            e.dispose()
    return {"backend": backend, "n": n, "rotate_s": rotate_s, "cpu_s": cpu_s, "per_member_us": rotate_s / n * 1e6}


def measure_days(backend: str, n: int) -> dict:
    """Day-key costs (one process): microseconds per value, milliseconds per day closed."""
    from sqlalchemy import delete

    from sentem import clock, create_app
    from sentem.accounts.history import LoginEvent
    from sentem.extensions import db
    from sentem.privacy.retention import day_keys, ledger
    from sentem.security import buckets, datakeys, expiring

    instance = tempfile.mkdtemp(prefix="sentem-bench-days-")
    app = create_app(in_process_config(backend, instance))
    with app.app_context():
        fresh_schema()
        clock.freeze("2026-12-10T00:00:00+00:00")
        _populate(n)
        days = [expiring.key_for(clock.now() + _dt.timedelta(days=d)) for d in range(1, 1827)]  # 5 years of days
        db.session.commit()
        out = {"backend": backend, "n": n}
        for name, seal in (("member", lambda v: datakeys.seal(1, v, "login_ip")),
                           ("day", lambda v: datakeys.seal_until(days[0], 1, v, "login_ip"))):
            tokens = [seal(f"198.51.100.{i % 250}") for i in range(200)]  # warm the caches
            t = time.perf_counter()
            tokens = [seal(f"198.51.100.{i % 250}") for i in range(10_000)]
            out[f"seal_{name}_us"] = (time.perf_counter() - t) / 10_000 * 1e6
            t = time.perf_counter()
            for token in tokens:
                datakeys.open_token(token, "login_ip")
            out[f"open_{name}_us"] = (time.perf_counter() - t) / 10_000 * 1e6
            cold = []
            for i in range(50):
                buckets._cache().clear()
                t = time.perf_counter()
                datakeys.open_token(tokens[i], "login_ip")
                cold.append((time.perf_counter() - t) * 1e6)
            out[f"cold_{name}_us"] = statistics.median(cold)
        rows, now = [], clock.now()
        for i in range(n):  # N login rows spread over the 5 years of day keys
            rows.append({"member_id": 1, "data_key_id": 1, "kind": "login", "at": now, "day_key_id": days[i % len(days)],
                         "ip_ct": datakeys.seal_until(days[0], 1, "198.51.100.1", "login_ip")})
            if len(rows) >= 20_000:
                db.session.execute(LoginEvent.__table__.insert(), rows)
                rows = []
        if rows:
            db.session.execute(LoginEvent.__table__.insert(), rows)
        db.session.execute(delete(LoginEvent).where(LoginEvent.day_key_id == days[0]))  # its day's rows expired
        db.session.commit()
        summary = ledger.Summary(run_id="bench", dry_run=False)
        t = time.perf_counter()
        assert day_keys.close(clock.start_of_day(clock.today() + _dt.timedelta(days=2)), summary, "bench") == 1
        out["close_ms"] = (time.perf_counter() - t) * 1000
        db.session.remove()
        for e in db.engines.values():
            e.dispose()
    return out


def _run(func: str, backend: str, n: int) -> dict | None:
    res = subprocess.run([sys.executable, "-c",
                          f"import json; from bench.bench_keys import {func}; "
                          f"print('RESULT', json.dumps({func}({backend!r}, {n})))"],
                         cwd=ROOT, capture_output=True, text=True, timeout=7200,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    line = [ln for ln in res.stdout.splitlines() if ln.startswith("RESULT ")]
    if res.returncode != 0 or not line:
        print(f"  {backend} {n:,}: failed\n{res.stderr[-2000:]}")
        return None
    return json.loads(line[0][7:])


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv or os.environ.get("BENCH_QUICK") == "1"
    sizes = (1_000, 100_000) if quick else (1_000, 1_000_000)
    backends = ["sqlite"] + (["postgresql"] if all(os.environ.get(v) for v in PG_ENV) else [])
    if "postgresql" not in backends:
        print("  (PostgreSQL skipped: set SENTEM_BENCH_PG_DATABASE_URL, …_ARCHIVE_…, …_KEYSTORE_…)")
    print(f"  shred = delete + mark bucket + commit (median of {SAMPLES}); re-key = one bucket's new key and "
          "its data keys re-wrapped; new epoch = every bucket key re-wrapped; erase = root file rewritten")
    print(f"  {'backend':<11}{'members':>10}{'buckets':>9}{'shred':>10}{'re-key':>10}{'new epoch':>12}"
          f"{'erase':>9}")
    for backend in backends:
        for n in sizes:
            r = _run("measure", backend, n)
            if r is None:
                continue
            print(f"  {backend:<11}{n:>10,}{r['buckets']:>9,}{r['shred_ms']:>8.2f}ms{r['rekey_ms']:>8.1f}ms"
                  f"{r['epoch_ms']:>10.0f}ms{r['erase_ms']:>7.1f}ms", flush=True)
    print("  blind-index key rotation (after a run that destroyed a member): new key, every member's "
          "login ID, email and mobile decrypted and indexed again, old key shredded")
    print(f"  {'backend':<11}{'members':>10}{'rotation':>12}{'of it CPU':>12}{'per member':>13}")
    for backend in backends:
        for n in (1_000, 5_000) if quick else sizes:  # O(members): --quick keeps it to seconds
            r = _run("measure_index", backend, n)
            if r is not None:
                print(f"  {backend:<11}{n:>10,}{r['rotate_s']:>11.2f}s{r['cpu_s']:>11.2f}s"
                      f"{r['per_member_us']:>11.0f}µs", flush=True)

    print("  day keys: a value sealed / opened under the member key alone, and under member key + day key;"
          " cold = first open in a fresh context; close = one due day's key shredded (rows checked in 5 tables)")
    print(f"  {'backend':<11}{'rows':>10}{'seal k/x':>16}{'open k/x':>16}{'cold k/x':>18}{'close':>10}")
    for backend in backends:
        for n in (1_000, 100_000) if quick else sizes:
            r = _run("measure_days", backend, n)
            if r is not None:
                print(f"  {backend:<11}{n:>10,}{r['seal_member_us']:>8.1f}/{r['seal_day_us']:<5.1f}µs"
                      f"{r['open_member_us']:>8.1f}/{r['open_day_us']:<5.1f}µs"
                      f"{r['cold_member_us']:>9.0f}/{r['cold_day_us']:<6.0f}µs{r['close_ms']:>8.1f}ms", flush=True)


if __name__ == "__main__":
    main()
