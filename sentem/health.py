"""Health checks: each returns (ok, detail). Packages add theirs with ``add(app, …)``.

The databases and Redis are checked for every app; the retention engine adds its
"no duty past its deadline" check, which the web shell hands over from ``privacy.HEALTH_CHECKS``.
"""
from __future__ import annotations

from typing import Callable

from flask import current_app
from sqlalchemy import text

from .extensions import db

EXTENSION = "sentem_health"
Check = Callable[[], "tuple[bool, str]"]


def add(app, name: str, check: Check) -> None:
    app.extensions.setdefault(EXTENSION, {})[name] = check


def init_app(app) -> None:
    """The checks every Sentem app has: three databases and (when configured) Redis."""
    add(app, "main_db", lambda: _database(None))
    add(app, "archive_db", lambda: _database("archive"))
    add(app, "keys_db", lambda: _database("keys"))
    add(app, "redis", _redis)


def _database(bind: str | None) -> tuple[bool, str]:
    try:
        with db.engines[bind].connect() as conn:
            conn.execute(text("SELECT 1"))
        return True, "ok"
    except Exception as exc:  # any failure to reach the database is "down"
        return False, type(exc).__name__


def _redis() -> tuple[bool, str]:
    url = current_app.config["SENTEM_REDIS_URL"]
    if not url:
        return True, "not configured (jobs run in-process)"
    from redis import Redis

    try:
        Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
        return True, "ok"
    except Exception as exc:
        return False, type(exc).__name__


def run_all(app=None) -> tuple[bool, dict]:
    """Every check of ``app`` (default: the current one): (all ok, {name: {ok, detail}})."""
    app = app or current_app
    results = {}
    for name, check in app.extensions.get(EXTENSION, {}).items():
        try:
            ok, detail = check()
        except Exception as exc:
            ok, detail = False, type(exc).__name__
        results[name] = {"ok": ok, "detail": detail}
    return all(r["ok"] for r in results.values()), results
