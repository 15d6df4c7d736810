"""The nightly statistics job on PostgreSQL: job time at 100,000 and 1,000,000 members.

Needs ``SENTEM_BENCH_PG_DATABASE_URL``, ``SENTEM_BENCH_PG_ARCHIVE_DATABASE_URL`` and
``SENTEM_BENCH_PG_KEYSTORE_DATABASE_URL`` (their ``public`` schema is dropped and
recreated!). For each size N (``--sizes 100000`` picks sizes; ``--quick`` or
``BENCH_QUICK=1``: 2,000 only), in its own process:

- N members, each with their own data key (wrapped under real bucket keys), birth date
  and address sealed under it (the job decrypts both for every member it counts);
  5% withdrawing, 70% with marketing-email consent, 3% suspended statistics;
- 5 N paid orders of one line each (5% cancelled) over 400 days, 3 N logins over 90 days,
  all generated inside the database;
- then ``statistics.build.run()`` three times, each timed: the **first run** (no profiles
  yet: every counted member decrypted, as on the first night), then twice, each after
  **one day** of changes (other members each day, dated 12 hours before the night, the nights
  a day apart on the job's clock), the **nightly run**: 1% of the members corrected their
  address and birth date, 0.3% suspended statistics, 0.3% withdrew their marketing consent,
  1% logged in, 0.5% ordered, 1% of the orders paid in the last 30 days were refunded, and
  the retention sweep deleted the oldest day of orders and of logins through the orders'
  and logins' own ``expire`` (so the erasures port marks them). Printed: wall time,
  the job process's own CPU time, the CPU time of its PostgreSQL backend (read from
  ``/proc`` when the server runs on this machine), how many profiles were decrypted, and
  the seconds of each step from the run's ledger (``stat_runs.timings``). The machine may
  be shared: the load average is printed too, and wall time over the two CPU times says
  how long the job waited for a core. ``--reuse DIR`` skips building the data (about ten
  minutes at 1,000,000): DIR is the instance folder of an earlier bench of the same size
  whose databases still hold its data (its keys live there).

The target (issue 20): the nightly run under 2 minutes at 1,000,000 members and
5,000,000 orders.

    python -m bench statistics
    python bench/bench_statistics.py --sizes 100000
    python bench/bench_statistics.py --sizes 1000000 --reuse /tmp/sentem-bench-statistics-XXXX
    python bench/bench_statistics.py --sizes 1000000 --reuse DIR --explain plans.txt
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import PG_ENV, fresh_schema, in_process_config  # noqa: E402
from bench.statistics_kept import catch_up_schema, explain  # noqa: E402

TARGET_S = 120.0
_CHUNK = 20_000


def _keys_and_members(n: int) -> None:
    """N data keys under real bucket keys, and N members with sealed birth date and address."""
    from sqlalchemy import insert, text

    from sentem import clock
    from sentem.accounts.models import Member
    from sentem.extensions import db
    from sentem.security import aead, buckets
    from sentem.security.keystore import BUCKET_SIZE, DataKey, KeyBucket

    now = clock.now()
    epoch = buckets.current_epoch()
    db.session.commit()
    dummy = aead.seal(aead.new_key(), "k0", "-", "bench")  # required items the job never opens
    regions = ("서울특별시 강남구 1", "부산광역시 중구 1", "경기도 수원시 1", "대구광역시 중구 1", "제주특별자치도 제주시 1",
               "인천광역시 남동구 1", "충청남도 천안시 1")
    bucket_raw: dict[int, bytes] = {}
    for start in range(1, n + 1, _CHUNK):
        keys, members, new_buckets = [], [], []
        for i in range(start, min(start + _CHUNK, n + 1)):
            b = i // BUCKET_SIZE
            if b not in bucket_raw:
                bucket_raw[b] = aead.new_key()
                new_buckets.append({"id": b, "gen": 1, "epoch": epoch, "rekeyed_at": now,
                                    "wrapped": buckets._seal_bucket(b, 1, bucket_raw[b], epoch)})
            raw = aead.new_key()
            keys.append({"id": i, "kind": "member", "created_at": now,
                         "wrapped": aead.seal(bucket_raw[b], f"b{b}.1", raw, f"datakey:{i}")})
            members.append({"id": i, "data_key_id": i, "status": "withdrawal_pending" if i % 20 == 0 else "active",
                            "login_id_ct": dummy, "login_id_bidx": f"bench-l-{i}", "email_ct": dummy,
                            "email_bidx": f"bench-e-{i}", "mobile_ct": dummy, "mobile_bidx": "bench-m",
                            "name_ct": dummy, "password_hash": "-", "created_at": now,
                            "birth_date_ct": aead.seal(raw, f"k{i}", f"{1950 + i % 55}-0{1 + i % 9}-1{i % 9}",
                                                       "birth_date"),
                            "address1_ct": aead.seal(raw, f"k{i}", regions[i % len(regions)], "address1")})
        if new_buckets:
            db.session.execute(insert(KeyBucket), new_buckets)
        db.session.execute(insert(DataKey), keys)
        db.session.execute(insert(Member), members)
        db.session.commit()
    for table, bind in (("data_keys", DataKey), ("members", Member)):
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :n)"), {"n": n},
                           bind_arguments={"mapper": bind})
    db.session.commit()


def _records(n: int) -> None:
    """Consents, 5 N orders with one line each, 3 N logins: generated inside the database."""
    from sqlalchemy import text

    from sentem.extensions import db

    sql = [
        "INSERT INTO categories (id, slug, title, position, revision, notice_fields) "
        "SELECT c, 'c' || c, '분류 ' || c, c, 1, '[]' FROM generate_series(1, 6) c",
        "INSERT INTO products (id, category_id, title, description, price, stock, active, featured, created_at, "
        "updated_at, revision, notice, sold) SELECT p, 1 + p % 6, '상품 ' || p, '', 10000, 100, true, false, now(), "
        "now(), 1, '{}', 0 FROM generate_series(1, 30) p",
        "INSERT INTO consent_events (member_id, data_key_id, kind, granted, at, screen) "
        "SELECT g, g, 'marketing_email', true, now() - interval '300 days', 'bench' FROM generate_series(1, :n) g "
        "WHERE g % 10 < 7",
        "INSERT INTO consent_events (member_id, data_key_id, kind, granted, at, screen) "
        "SELECT g, g, 'suspend_statistics', true, now() - interval '10 days', 'bench' FROM generate_series(1, :n) g "
        "WHERE g % 33 = 0",
        "INSERT INTO orders (id, order_no, member_id, data_key_id, status, subtotal_amount, shipping_fee, "
        "total_amount, payment_method, stock_reserved, created_at, updated_at, paid_at) "
        "SELECT g, 'B' || g, 1 + g % :n, 1 + g % :n, CASE WHEN g % 20 = 0 THEN 'cancelled' ELSE 'delivered' END, "
        "12000, 0, 12000, 'test', false, ts, ts, ts FROM generate_series(1, 5 * :n) g, "
        "LATERAL (SELECT now() - (g % 400) * interval '1 day' - (g % 1440) * interval '1 minute' AS ts) t",
        "INSERT INTO order_lines (order_id, product_id, product_title, unit_price, quantity, line_total) "
        "SELECT g, 1 + g % 30, '상품', 12000, 1, 12000 FROM generate_series(1, 5 * :n) g",
        "INSERT INTO login_events (member_id, data_key_id, kind, at) "
        "SELECT 1 + g % :n, 1 + g % :n, 'login', now() - (g % 90) * interval '1 day' FROM generate_series(1, 3 * :n) g",
    ]
    for statement in sql:
        db.session.execute(text(statement), {"n": n})
        db.session.commit()
    for table in ("orders", "order_lines", "login_events", "consent_events", "members", "categories", "products"):
        db.session.execute(text(f"ANALYZE {table}"))
    db.session.commit()


def _one_day(n: int, day: int = 1) -> None:
    """Day ``day`` of changes (see the module docstring), written as the shop would leave them,
    dated 12 hours before the night (``clock``): each day picks other members and orders."""
    from sqlalchemy import func, select, text, update

    from sentem.orders.models import Order

    from sentem import clock
    from sentem.accounts.models import Member
    from sentem.extensions import db
    from sentem.security import aead, datakeys

    now = clock.now()
    base = db.session.execute(select(func.max(Order.id))).scalar() or 0  # orders of earlier days stay
    movers = [i for i in range(4 + day, n + 1, 100) if i % 20]  # 1%, active, most of them consenting
    for start in range(0, len(movers), _CHUNK):
        chunk = movers[start:start + _CHUNK]
        keys = datakeys.raw_keys(chunk)
        db.session.execute(update(Member), [
            {"id": i, "profile_changed_at": now,
             "address1_ct": aead.seal(keys[i], f"k{i}", "부산광역시 해운대구 2", "address1"),
             "birth_date_ct": aead.seal(keys[i], f"k{i}", f"{1960 + i % 40}-03-0{1 + i % 9}", "birth_date")}
            for i in chunk])
        db.session.commit()
    for statement in (
        "INSERT INTO consent_events (member_id, data_key_id, kind, granted, at, screen) SELECT g, g, "
        "'suspend_statistics', true, :now, 'bench' FROM generate_series(1, :n) g WHERE g % 333 = :day",
        "INSERT INTO consent_events (member_id, data_key_id, kind, granted, at, screen) SELECT g, g, "
        "'marketing_email', false, :now, 'bench' FROM generate_series(1, :n) g WHERE g % 333 = 100 + :day",
        "INSERT INTO login_events (member_id, data_key_id, kind, at) SELECT g, g, 'login', :now "
        "FROM generate_series(1, :n) g WHERE g % 100 = 10 + :day",
        "INSERT INTO orders (id, order_no, member_id, data_key_id, status, subtotal_amount, shipping_fee, "
        "total_amount, payment_method, stock_reserved, created_at, updated_at, paid_at) "
        "SELECT :base + g, 'D' || (:base + g), g, g, 'paid', 12000, 0, 12000, 'test', false, :now, :now, :now "
        "FROM generate_series(1, :n) g WHERE g % 200 = 20 + :day",
        "INSERT INTO order_lines (order_id, product_id, product_title, unit_price, quantity, line_total) "
        "SELECT :base + g, 1 + g % 30, '상품', 12000, 1, 12000 FROM generate_series(1, :n) g WHERE g % 200 = 20 + :day",
        # 1% of the orders paid in the last 30 days refunded today (a refund changes its paid day)
        "UPDATE orders SET status = 'refunded', updated_at = :now WHERE id <= 5 * :n AND id % 100 = 50 + :day "
        "AND status = 'delivered' AND paid_at >= :now - interval '30 days'",
    ):
        db.session.execute(text(statement), {"n": n, "base": base, "now": now, "day": day})
        db.session.commit()
    return _retention_day()


def _retention_day() -> tuple[int, int]:
    """The retention sweep's day: the oldest day of orders (settled first) and of logins deleted
    through their record classes' ``expire``, so the erasures port marks them for the next run."""
    import datetime as dt

    from sqlalchemy import func, select, text

    from sentem.accounts import records as logins
    from sentem.accounts.history import LoginEvent
    from sentem.extensions import db
    from sentem.orders import records as orders
    from sentem.orders.models import Order

    oldest = db.session.execute(select(func.min(Order.created_at))).scalar() + dt.timedelta(days=1)
    # Delivered orders count as sold either way: settling them changes no statistic.
    db.session.execute(text("UPDATE orders SET status = 'completed' WHERE created_at < :c AND status = 'delivered'"),
                       {"c": oldest})
    gone_orders = orders.expire_orders(oldest, frozenset(), 10 ** 6)
    db.session.commit()
    first_login = db.session.execute(select(func.min(LoginEvent.at))).scalar() + dt.timedelta(days=1)
    gone_logins = logins.expire_logins(first_login, frozenset(), 10 ** 6)
    db.session.commit()
    return gone_orders, gone_logins


def _backend_cpu() -> tuple[int, float | None]:
    """(pid, CPU seconds so far) of this session's PostgreSQL backend (None: not on this machine)."""
    from sqlalchemy import text

    from sentem.extensions import db

    pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
    db.session.commit()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return pid, None
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _last_night():
    """(When the last run of a kept data set started, how many runs it had): the bench's nights
    are a day apart, and each picks other members and orders than the nights before."""
    from sqlalchemy import func, select

    from sentem import clock
    from sentem.extensions import db
    from sentem.statistics.models import StatRun

    last, runs = db.session.execute(select(func.max(StatRun.started_at), func.count())).one()
    db.session.commit()
    return (clock.as_utc(last) if last else clock.now() - dt.timedelta(days=1)), runs


def _timed_run() -> dict:
    from sentem.statistics import build

    pid, db_cpu = _backend_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    row = build.run()
    job_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    pid_after, db_after = _backend_cpu()
    db_s = db_after - db_cpu if pid_after == pid and db_cpu is not None else None  # same connection throughout
    return {"job_s": job_s, "cpu_s": cpu_s, "db_s": db_s, "counted": row.counted,
            "decrypted": row.decrypted, "steps": row.timings, "full": row.full,
            "excluded": [row.excluded_inactive, row.excluded_no_consent, row.excluded_suspended]}


def measure(n: int, reuse: str | None = None) -> dict:
    """One size in this process: build the data (or ``reuse`` the instance folder of an earlier
    bench whose databases still hold it), the first run, a day, the nightly run; the figures.

    Reusing, the "first" run is the first on the kept data: a nightly run (the profiles are
    re-keyed, not decrypted again), a day after the kept set's last run."""
    from sentem import clock, create_app

    app = create_app(in_process_config("postgresql", reuse or tempfile.mkdtemp(prefix="sentem-bench-statistics-")))
    with app.app_context():
        clock.unfreeze()
        started = time.perf_counter()
        if reuse:
            catch_up_schema()
        else:
            fresh_schema()
            _keys_and_members(n)
            _records(n)
        setup_s = time.perf_counter() - started
        last, runs = _last_night()
        night = clock.freeze(max(clock.now(), last + dt.timedelta(days=1)))  # (a kept set's runs: later)
        first = _timed_run()
        nights = []
        for day in (1, 2):  # each night a day after the last, its changes 12 hours before it
            clock.freeze(night + dt.timedelta(days=day, hours=-12))
            deleted = _one_day(n, (runs + day) % 40 + 1)  # other members than a kept set's earlier nights
            clock.freeze(night + dt.timedelta(days=day))
            nights.append(_timed_run() | {"deleted": deleted})
        return {"n": n, "orders": 5 * n, "setup_s": setup_s, "first": first, "nightly": nights[0],
                "nightly2": nights[1]}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not all(os.environ.get(v) for v in PG_ENV):
        print("  (skipped: set SENTEM_BENCH_PG_DATABASE_URL, …_ARCHIVE_…, …_KEYSTORE_… — PostgreSQL only)")
        return
    sizes = (100_000, 1_000_000)
    if "--quick" in argv or os.environ.get("BENCH_QUICK") == "1":
        sizes = (2_000,)  # proves the bench still runs (python -m bench --quick)
    if "--sizes" in argv:
        sizes = tuple(int(s) for s in argv[argv.index("--sizes") + 1].split(","))
    reuse = argv[argv.index("--reuse") + 1] if "--reuse" in argv else None  # one size: the kept data set's
    if "--explain" in argv:  # with --reuse DIR and one size: the plans of a nightly run
        explain(sizes[0], reuse, argv[argv.index("--explain") + 1], _one_day)
        return
    print(f"  {'members':>10}{'orders':>11}  {'run':<8}{'job':>8}{'py cpu':>9}{'db cpu':>9}{'target':>8}{'counted':>9}"
          f"{'decrypted':>10}  excluded (inactive, no consent, suspended)   [load average: "
          f"{os.getloadavg()[0]:.1f}, 2 cores shared]")
    for n in sizes:
        res = subprocess.run([sys.executable, "-c", "import json; from bench.bench_statistics import measure; "
                              f"print('RESULT', json.dumps(measure({n}, {reuse!r})))"],
                             cwd=ROOT, capture_output=True, text=True, timeout=7200,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)))
        line = [ln for ln in res.stdout.splitlines() if ln.startswith("RESULT ")]
        if res.returncode != 0 or not line:
            print(f"  {n:,}: failed\n{res.stderr[-3000:]}")
            continue
        r = json.loads(line[0][7:])
        for name in ("first", "nightly", "nightly2"):
            x = r[name]
            flag = "" if name == "first" or x["job_s"] <= TARGET_S else "  (over target)"
            target = f"{TARGET_S:>7.0f}s" if name == "nightly" else f"{'':>8}"
            db_s = f"{x['db_s']:>8.1f}s" if x["db_s"] is not None else f"{'-':>9}"
            print(f"  {r['n']:>10,}{r['orders']:>11,}  {name:<8}{x['job_s']:>7.1f}s{x['cpu_s']:>8.1f}s{db_s}{target}"
                  f"{x['counted']:>9,}{x['decrypted']:>10,}  {x['excluded']}{flag}")
            gone = (f"  [retention deleted {x['deleted'][0]:,} orders, {x['deleted'][1]:,} logins before it]"
                    if x.get("deleted") else "")
            print(f"  {'':>21}  steps (s): {x['steps']}{'  [full run]' if x['full'] else ''}{gone}")
        print(f"  {'':>21}  setup {r['setup_s']:.0f}s  [load average now: {os.getloadavg()[0]:.1f}]", flush=True)


if __name__ == "__main__":
    main()
