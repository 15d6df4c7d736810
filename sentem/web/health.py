"""Health checks: each returns (ok, detail). Features add theirs with ``register``."""
from __future__ import annotations

from typing import Callable

from flask import current_app
from sqlalchemy import text

from ..extensions import db

CHECKS: dict[str, Callable[[], tuple[bool, str]]] = {}


def register(name: str, check: Callable[[], tuple[bool, str]]) -> None:
    CHECKS[name] = check


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


register("main_db", lambda: _database(None))
register("archive_db", lambda: _database("archive"))
register("keys_db", lambda: _database("keys"))
register("redis", _redis)


def run_all() -> tuple[bool, dict]:
    results = {}
    for name, check in CHECKS.items():
        try:
            ok, detail = check()
        except Exception as exc:
            ok, detail = False, type(exc).__name__
        results[name] = {"ok": ok, "detail": detail}
    return all(r["ok"] for r in results.values()), results
