"""Login flood limits, counted where every process sees them: Redis when ``SENTEM_REDIS_URL``
is configured, else the main database (so several gunicorn processes on the embedded
default share them too; nothing is counted in a process's memory).

Two kinds of record, both keyed by a keyed hash (HMAC with the secret key) of what they
count — an IP address or a typed login ID is never stored:

* ``hit``: attempts in a fixed window of the Sentem clock (per-IP limits);
* ``note_failure`` / ``locked_until``: consecutive failures and a lock
  (per-account limits for login IDs that match no account, so that "locked" reads the
  same whether the ID exists or not).
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import re

from flask import current_app, request
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..db_types import UTCDateTime
from ..extensions import db

_PREFIX = "sentem:throttle:"
FAILURES_KEPT = _dt.timedelta(days=1)  # consecutive failures older than this are forgotten


class ThrottleCounter(db.Model):
    """One counter (database store); ``key`` is a keyed hash, never the counted value."""

    __tablename__ = "throttle_counters"

    key = db.Column(db.String(64), primary_key=True)
    count = db.Column(db.Integer, nullable=False, default=0)
    locked_until = db.Column(UTCDateTime, nullable=True)
    expires_at = db.Column(UTCDateTime, nullable=False, index=True)


def _key(*parts: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def _redis() -> Redis | None:
    url = current_app.config.get("SENTEM_REDIS_URL")
    if not url:
        return None
    ext = current_app.extensions
    if ext.get("sentem_throttle_redis_url") != url:
        ext["sentem_throttle_redis"] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        ext["sentem_throttle_redis_url"] = url
    return ext["sentem_throttle_redis"]


def ip_allowed(name: str, setting: str = "SENTEM_LOGIN_RATE_LIMIT") -> bool:
    """Count this request against its client address under ``name``, at the rate the config
    ``setting`` names ("30/minute" by default; off with ``RATELIMIT_ENABLED = False``).
    Whether it may go on."""
    cfg = current_app.config
    if not cfg.get("RATELIMIT_ENABLED", True):
        return True
    amount, window = parse_rate(cfg.get(setting) or "30/minute")
    return hit(f"{name}-ip", request.remote_addr or "", limit=amount, window=window)


_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*(?:/|per)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$")


def parse_rate(text: str) -> tuple[int, _dt.timedelta]:
    """``"30/minute"``, ``"100 per hour"``, ``"5/10 minutes"`` (the common rate syntax) ->
    (attempts, window); raises ValueError naming the setting's expected form."""
    match = _RATE.match(text or "")
    if not match:
        raise ValueError(f"rate limit {text!r}: expected e.g. '30/minute' or '100 per hour'")
    amount, multiple, unit = match.groups()
    return int(amount), _dt.timedelta(seconds=_UNITS[unit] * int(multiple or 1))


def hit(name: str, subject: str, *, limit: int, window: _dt.timedelta) -> bool:
    """Count one attempt of ``subject`` (e.g. an IP) under ``name``; whether it is within
    ``limit`` attempts in the current window. Counted before any work is done."""
    seconds = max(1, int(window.total_seconds()))
    now = clock.now()
    index = int(now.timestamp()) // seconds
    key = _key(name, subject, str(index))
    conn, count = _redis(), None
    if conn is not None:
        try:
            pipe = conn.pipeline()
            pipe.incr(_PREFIX + key)
            pipe.expire(_PREFIX + key, seconds * 2 + 60)
            count = pipe.execute()[0]
        except RedisError as exc:
            _redis_away(exc)
    if count is None:
        # Over the limit already: refused on a read alone, so a flood costs no writes (fsyncs).
        seen = db.session.execute(select(ThrottleCounter.count).where(ThrottleCounter.key == key)).scalar()
        if seen is not None and seen >= limit:
            db.session.rollback()
            return False
        count = _db_add(key, 1, expires_at=_dt.datetime.fromtimestamp((index + 1) * seconds, clock.UTC) + window)
    return count <= limit


def locked_until(name: str, subject: str) -> _dt.datetime | None:
    """When the lock on ``subject`` ends, or None when it is not locked."""
    key = _key(name, "lock", subject)
    conn, until = _redis(), None
    if conn is not None:
        try:
            raw = conn.get(_PREFIX + key + ":until")
            until = _dt.datetime.fromisoformat(raw.decode()) if raw else None
        except RedisError as exc:
            conn = _redis_away(exc)
    if conn is None:
        until = db.session.execute(select(ThrottleCounter.locked_until).where(ThrottleCounter.key == key)
                                   .execution_options(populate_existing=True)).scalar_one_or_none()
        until = clock.as_utc(until)
    return until if until is not None and until > clock.now() else None


def note_failure(name: str, subject: str, *, max_failures: int, lock_for: _dt.timedelta) -> _dt.datetime | None:
    """Count a consecutive failure; at ``max_failures`` lock for ``lock_for`` and start over.
    Returns the end of the lock this failure set, else None."""
    key = _key(name, "lock", subject)
    now = clock.now()
    conn, count = _redis(), None
    if conn is not None:
        try:
            pipe = conn.pipeline()
            pipe.incr(_PREFIX + key)
            pipe.expire(_PREFIX + key, int(FAILURES_KEPT.total_seconds()))
            count = pipe.execute()[0]
        except RedisError as exc:
            conn = _redis_away(exc)
    if count is None:
        count = _db_add(key, 1, expires_at=now + FAILURES_KEPT)
    if count < max_failures:
        return None
    until = now + lock_for
    if conn is not None:
        try:
            pipe = conn.pipeline()
            pipe.set(_PREFIX + key + ":until", until.isoformat(), ex=int(lock_for.total_seconds()) + 60)
            pipe.delete(_PREFIX + key)
            pipe.execute()
            return until
        except RedisError as exc:
            _redis_away(exc)
    db.session.execute(update(ThrottleCounter).where(ThrottleCounter.key == key)
                       .values(count=0, locked_until=until, expires_at=max(until, now + FAILURES_KEPT)))
    db.session.commit()
    return until


def _redis_away(exc: Exception) -> None:
    """Redis is unreachable: count in the database meanwhile (limits hold; /healthz says Redis is down)."""
    current_app.logger.warning("login limits: Redis unreachable (%s); counting in the database", exc)
    return None


def _db_add(key: str, n: int, *, expires_at: _dt.datetime) -> int:
    """Add ``n`` to a counter (created when missing; race-safe on both databases); committed."""
    table = ThrottleCounter.__table__
    for _attempt in range(3):
        done = db.session.execute(update(table).where(table.c.key == key).values(count=table.c.count + n)).rowcount
        if not done:
            try:
                with db.session.begin_nested():
                    db.session.execute(table.insert().values(key=key, count=n, expires_at=expires_at))
            except IntegrityError:  # another process created it first: add to theirs
                continue
            # A new counter tidies a few dead ones away (no job needed for a table this small).
            dead = select(table.c.key).where(table.c.expires_at < clock.now()).limit(20).scalar_subquery()
            db.session.execute(delete(table).where(table.c.key.in_(dead)))
        count = db.session.execute(select(table.c.count).where(table.c.key == key)).scalar_one()
        db.session.commit()
        return count
    raise RuntimeError("throttle counter kept changing under us")
