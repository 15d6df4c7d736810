"""Shared fixtures: an app on fresh databases, a client, a CLI runner, a frozen clock,
builders, and a real Chromium through Playwright.

Databases: SQLite files by default (a migrated template copied per test). With
``SENTEM_TEST_DATABASE_URL``, ``SENTEM_TEST_ARCHIVE_DATABASE_URL`` and
``SENTEM_TEST_KEYSTORE_DATABASE_URL`` set, the suite runs on those (PostgreSQL),
migrated once and emptied between tests. ``SENTEM_TEST_REDIS_URL`` puts jobs on RQ
(that Redis database is flushed before each test; ``run_jobs()`` works the queue).
Translation catalogs are compiled at session start when missing or stale.
"""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from sqlalchemy import create_engine, text

from sentem import clock, create_app, init_steps
from sentem.extensions import db

pytest_plugins = ["tests.fixtures_browser"]

FROZEN_AT = "2026-11-28T01:00:00+00:00"  # 10:00 KST
PG = {
    "SQLALCHEMY_DATABASE_URI": os.environ.get("SENTEM_TEST_DATABASE_URL"),
    "SENTEM_ARCHIVE_DATABASE_URL": os.environ.get("SENTEM_TEST_ARCHIVE_DATABASE_URL"),
    "SENTEM_KEYSTORE_DATABASE_URL": os.environ.get("SENTEM_TEST_KEYSTORE_DATABASE_URL"),
}
USE_PG = bool(PG["SQLALCHEMY_DATABASE_URI"])
REDIS_URL = os.environ.get("SENTEM_TEST_REDIS_URL") or None
IN_CI = os.environ.get("CI") == "true"  # there a missing service or browser fails, never skips

if USE_PG and not all(PG.values()):
    raise RuntimeError("set all three SENTEM_TEST_*DATABASE_URL variables, or none")


def pytest_sessionstart(session):
    """Build missing or stale ``.mo`` files so that a bare ``pytest`` shows English pages."""
    from sentem.i18n import compile_catalogs

    compile_catalogs()
    _memoise_url_builders()


def _memoise_url_builders() -> None:
    """Compile each distinct URL rule's builder once per session, not once per test.

    Every test builds a fresh app, and Werkzeug turns each of its ~110 rules into Python
    code (about half a second per app, most of a trivial test's time). The generated
    builder is a pure function of the rule's parsed form — it reaches the rule's
    converters through its ``self`` argument at call time — so sharing it between
    identical rules of different apps changes nothing but the time.
    """
    from werkzeug.routing.rules import Rule

    original = Rule._compile_builder
    if getattr(original, "sentem_memo", False):
        return
    cache: dict = {}

    def compile_builder(self, append_unknown=True):
        converters = tuple(
            (name, type(conv), tuple(sorted((k, repr(v)) for k, v in vars(conv).items() if k != "map")))
            for name, conv in self._converters.items())
        defaults = tuple(sorted((k, repr(v)) for k, v in (self.defaults or {}).items()))
        key = (self.rule, append_unknown, tuple(self._trace), defaults, converters)
        builder = cache.get(key)
        if builder is None:
            builder = cache[key] = original(self, append_unknown)
        return builder

    compile_builder.sentem_memo = True
    Rule._compile_builder = compile_builder


def pytest_report_header(config):
    db_kind = "PostgreSQL (SENTEM_TEST_*DATABASE_URL)" if USE_PG else "SQLite (embedded default)"
    jobs = f"RQ on {REDIS_URL}" if REDIS_URL else "in-process"
    return f"sentem: databases {db_kind}; jobs {jobs}"


def _flush_redis() -> None:
    # Rate-limit counters and queued jobs of one test must not leak into the next.
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except RedisDown as exc:
        pytest.fail(f"SENTEM_TEST_REDIS_URL={REDIS_URL} is set but Redis does not answer: {exc}")


def base_config(instance_path: str) -> dict:
    cfg = {
        "TESTING": True,
        # The suite never uses the operator's environment: its own key ring, development mode.
        "SENTEM_ENV": "development",
        "SENTEM_MASTER_KEY": None,
        "SENTEM_INSTANCE_PATH": instance_path,
        "WTF_CSRF_ENABLED": False,
        "SENTEM_INPROCESS_SCHEDULER": False,
        "SENTEM_SCHEDULER_CHECK": False,  # no scheduler runs here; tests/foundation/test_scheduler.py turns it on
        "SENTEM_REDIS_URL": REDIS_URL,
        # Cheap argon2 parameters: the suite signs up hundreds of members.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
        "SENTEM_TEST_GATEWAY": True,
    }
    if USE_PG:
        cfg.update(PG)
    else:
        cfg.update({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance_path}/sentem.db",
            "SENTEM_ARCHIVE_DATABASE_URL": f"sqlite:///{instance_path}/sentem-archive.db",
            "SENTEM_KEYSTORE_DATABASE_URL": f"sqlite:///{instance_path}/sentem-keys.db",
        })
    return cfg


def _reset_pg_schema() -> None:
    for url in PG.values():
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


@pytest.fixture(scope="session")
def template_instance(tmp_path_factory):
    """An instance folder whose databases are migrated (``flask init``) once per session."""
    path = str(tmp_path_factory.mktemp("template-instance"))
    if USE_PG:
        _reset_pg_schema()
    app = create_app(base_config(path))
    with app.app_context():
        from sentem.cli.init import run_init

        run_init()
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return path


def _truncate_pg(app) -> None:
    """Empty every table of the three databases and restart their id sequences.

    DELETE in reverse dependency order is about 8x faster than TRUNCATE on mostly empty
    tables; TRUNCATE ... CASCADE remains the fallback (e.g. foreign-key cycles).
    """
    from sqlalchemy.exc import DBAPIError

    with app.app_context():
        for bind, engine in db.engines.items():
            tables = [t.name for t in db.metadatas[bind].sorted_tables]
            if not tables:
                continue
            with engine.begin() as conn:
                try:
                    with conn.begin_nested():
                        conn.exec_driver_sql("; ".join(f'DELETE FROM "{t}"' for t in reversed(tables)))
                except DBAPIError:
                    conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                         + " RESTART IDENTITY CASCADE")
                conn.exec_driver_sql(
                    "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n "
                    "ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname = 'public'")


@pytest.fixture
def app_config():
    """Override in a test module (or parametrize) to change settings for ``app``."""
    return {}


@pytest.fixture
def app(template_instance, tmp_path, app_config):
    instance = str(tmp_path / "instance")
    shutil.copytree(template_instance, instance)
    cfg = base_config(instance)
    cfg.update(app_config)
    clock.freeze(FROZEN_AT)
    if REDIS_URL:
        _flush_redis()
    app = create_app(cfg)
    if USE_PG:
        _truncate_pg(app)
        with app.app_context():
            init_steps.run(app)
            db.session.commit()
    with app.app_context():
        yield app
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    clock.unfreeze()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def run_jobs(app):
    """Call ``run_jobs()`` to work every queued job with a real RQ worker (burst, in this
    process, on the test's app). Without Redis, jobs already ran in-process: returns 0."""

    def work() -> int:
        if not app.config["SENTEM_REDIS_URL"]:
            return 0
        from redis import Redis
        from rq import Queue, SimpleWorker

        from sentem.jobs import QUEUE

        conn = Redis.from_url(app.config["SENTEM_REDIS_URL"])
        queue = Queue(QUEUE, connection=conn)
        pending = queue.count
        db.session.commit()  # the worker's job must see what the test wrote
        SimpleWorker([queue], connection=conn).work(burst=True)
        return pending

    return work


@pytest.fixture
def live_server(app):
    """The app served on a free loopback port in a thread, CSRF on, for browser journeys."""
    from werkzeug.serving import make_server

    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    thread.join(timeout=5)
