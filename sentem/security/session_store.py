"""Server-side login sessions you can revoke: the cookie carries a random id, the store only its hash.

Kept in Redis when ``SENTEM_REDIS_URL`` is configured (``session_redis``: every process
sees a logout at once), in the main database otherwise (``session_records``). This module
is the one API over both; idle and absolute lifetimes are counted on the Sentem clock
(tests move it).
"""
from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import secrets

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import bindparam, select
from werkzeug.exceptions import ServiceUnavailable

from .. import clock
from ..extensions import db
from .devices import device_family  # noqa: F401  (re-exported: the session modules call it here)
from .session_records import DatabaseBackend, LoginSession, Session, from_row
from .session_redis import RedisBackend

__all__ = ["LoginSession", "Session", "TOUCH_EVERY", "active", "backend", "destroy", "device_family", "end",
           "end_all", "end_one", "get", "get_owned", "hash_of", "new", "peek"]

# How stale "last used" may get before it is written again (one write a minute, not one per request).
TOUCH_EVERY = _dt.timedelta(minutes=1)


def _unavailable_without_redis(fn):
    """Redis unreachable: the shop's 503 page (no half-done login), not a 500."""

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except RedisError as exc:
            current_app.logger.warning("sessions: Redis unreachable (%s)", exc)
            raise ServiceUnavailable() from exc

    return wrapped


def hash_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def backend() -> str:
    """``redis`` or ``database``: where sessions live in this app."""
    return "redis" if current_app.config.get("SENTEM_REDIS_URL") else "database"


def _store():
    return RedisBackend if current_app.config.get("SENTEM_REDIS_URL") else DatabaseBackend


@_unavailable_without_redis
def new(kind: str, owner_id: int, *, device: str, absolute: _dt.timedelta,
        idle: _dt.timedelta | None = None) -> str:
    """Start a session; returns the random id for the cookie (only its hash is stored). Committed."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    store = _store()
    for old in store.of_owner(kind, owner_id):  # tidy the owner's dead sessions away
        if not old.alive(now):
            store.drop(old)
    s = Session(hash_of(token), kind, int(owner_id), now, now, now + absolute,
                int(idle.total_seconds()) if idle else None, (device or "")[:64])
    store.put(s)
    return token


def peek(id_hash: str) -> Session | None:
    """The stored session of this hash as it is, alive or not (nothing touched, nothing removed);
    for a read-only check in front of the app (``web.member_pages``). Needs an app context."""
    return _store().load(id_hash)


def get(kind: str, token: str | None) -> Session | None:
    """The live session of this cookie id (its "last used" refreshed), or None; a dead one is removed."""
    return get_owned(kind, token)[0]


def get_owned(kind: str, token: str | None, owner_model=None) -> tuple:
    """(``get``'s session, its owner's ``owner_model`` row) or (None, None): one query with the
    database store (the session joined to its owner, ``owner_model.id == owner_id``)."""
    if not token or not isinstance(token, str):
        return None, None
    h = hash_of(token)
    try:
        if backend() == "redis" or owner_model is None:
            s = _get(kind, h)
            return (s, owner_model and db.session.get(owner_model, s.owner_id)) if s else (None, None)
        row = db.session.execute(_owned_query(owner_model), {"h": h}).first()
        s = row and _get(kind, h, from_row(row[0]))
        return (s, row[1]) if s else (None, None)
    except RedisError as exc:  # unreadable for now, not ended: signed out until Redis is back
        current_app.logger.warning("sessions: Redis unreachable (%s)", exc)
        return None, None


@functools.lru_cache(maxsize=4)
def _owned_query(owner_model):
    # Built once per owner model: the statement runs on every request of a signed-in member.
    return (select(LoginSession, owner_model).join(owner_model, owner_model.id == LoginSession.owner_id)
            .where(LoginSession.id_hash == bindparam("h")).execution_options(populate_existing=True))


def _get(kind: str, h: str, s: Session | None = None) -> Session | None:
    s = s or _store().load(h)
    if s is None or s.kind != kind:
        return None
    now = clock.now()
    if not s.alive(now):
        _store().drop(s)
        return None
    if now - s.last_seen_at >= TOUCH_EVERY:
        s = Session(**{**s.__dict__, "last_seen_at": now})
        _store().touch(s)
    return s


def end(token: str | None) -> bool:
    """End the session of this cookie id (logout). Whether there was one."""
    if not token or not isinstance(token, str):
        return False
    try:
        s = _store().load(hash_of(token))
        if s is None:
            return False
        _store().drop(s)
    except RedisError as exc:  # the browser forgets the cookie anyway; the session ends by its TTL
        current_app.logger.warning("sessions: Redis unreachable at logout (%s)", exc)
        return False
    return True


@_unavailable_without_redis
def active(kind: str, owner_id: int) -> list[Session]:
    """The owner's live sessions, most recently used first (dead ones removed on the way)."""
    now, out = clock.now(), []
    for s in _store().of_owner(kind, owner_id):
        if s.alive(now):
            out.append(s)
        else:
            _store().drop(s)
    return sorted(out, key=lambda s: s.last_seen_at, reverse=True)


@_unavailable_without_redis
def end_all(kind: str, owner_id: int, *, keep: str | None = None) -> int:
    """End every session of the owner except the one whose hash is ``keep``. Returns how many."""
    n = 0
    for s in _store().of_owner(kind, owner_id):
        if s.id_hash != keep:
            _store().drop(s)
            n += 1
    return n


@_unavailable_without_redis
def end_one(kind: str, owner_id: int, id_hash: str) -> bool:
    """End one of the owner's sessions, named by its hash (the sessions list)."""
    s = _store().load(id_hash)
    if s is None or s.kind != kind or s.owner_id != int(owner_id):
        return False
    _store().drop(s)
    return True


def destroy(kind: str, owner_id: int) -> int:
    """Delete every session of the owner for the retention engine: the database rows are
    deleted in the caller's transaction (not committed); Redis keys go at once — or, with
    Redis away, by their TTL (at most 5 days), so the sweep's other duties still finish."""
    try:
        return _store().destroy(kind, owner_id)
    except RedisError as exc:
        current_app.logger.warning("sessions: Redis unreachable; member sessions end by TTL (%s)", exc)
        return 0
