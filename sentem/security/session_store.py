"""Server-side login sessions you can revoke: the cookie carries a random id, the store only its hash.

Kept in Redis when ``SENTEM_REDIS_URL`` is configured (every process sees a logout at
once; keys expire by TTL), in the main database otherwise. Idle and absolute lifetimes are
counted on the Sentem clock (tests move it); Redis' TTL only clears dead keys away.

Nothing personal but a coarse device family ("Chrome · Windows", registry item
``session_device``) is kept per session: no IP address, no full user agent.
"""
from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import secrets
from dataclasses import dataclass

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from werkzeug.exceptions import ServiceUnavailable
from sqlalchemy import bindparam, delete, select, update

from .. import clock
from ..db_types import UTCDateTime
from ..extensions import db
from .devices import device_family  # noqa: F401  (re-exported: the session modules call it here)

# How stale "last used" may get before it is written again (one write a minute, not one per request).
TOUCH_EVERY = _dt.timedelta(minutes=1)
_PREFIX = "sentem:session:"
_INDEX_TTL = 90 * 86400  # longer than any absolute lifetime
# A Redis key lives at most 5 real days past its last use (refreshed on use): what a
# withdrawal's destruction could not reach while Redis was away still ends within the
# policy's 5-day destruction deadline.
_KEY_TTL_CAP = 5 * 86400


class LoginSession(db.Model):
    """One signed-in session of a member or a staff member (the database store)."""

    __tablename__ = "login_sessions"
    __table_args__ = (db.Index("ix_login_sessions_owner", "kind", "owner_id"),)

    id_hash = db.Column(db.String(64), primary_key=True)  # sha256 of the cookie's random id
    kind = db.Column(db.String(8), nullable=False)  # member | staff
    owner_id = db.Column(db.Integer, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    last_seen_at = db.Column(UTCDateTime, nullable=False)
    expires_at = db.Column(UTCDateTime, nullable=False)  # absolute end
    idle_seconds = db.Column(db.Integer, nullable=True)  # None: no idle limit
    device = db.Column(db.String(64), nullable=True, info={"personal": "session_device"})


@dataclass(frozen=True)
class Session:
    """A live session as the store holds it."""

    id_hash: str
    kind: str
    owner_id: int
    created_at: _dt.datetime
    last_seen_at: _dt.datetime
    expires_at: _dt.datetime
    idle_seconds: int | None
    device: str

    def alive(self, now: _dt.datetime) -> bool:
        if now >= self.expires_at:
            return False
        return self.idle_seconds is None or now - self.last_seen_at <= _dt.timedelta(seconds=self.idle_seconds)


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


@_unavailable_without_redis
def new(kind: str, owner_id: int, *, device: str, absolute: _dt.timedelta,
        idle: _dt.timedelta | None = None) -> str:
    """Start a session; returns the random id for the cookie (only its hash is stored). Committed."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    for old in _of_owner(kind, owner_id):  # tidy the owner's dead sessions away
        if not old.alive(now):
            _drop(old)
    s = Session(hash_of(token), kind, int(owner_id), now, now, now + absolute,
                int(idle.total_seconds()) if idle else None, (device or "")[:64])
    if backend() == "redis":
        _redis_put(s)
    else:
        db.session.add(LoginSession(**s.__dict__))
        db.session.commit()
    return token


def peek(id_hash: str) -> Session | None:
    """The stored session of this hash as it is, alive or not (nothing touched, nothing removed);
    for a read-only check in front of the app (``web.member_pages``). Needs an app context."""
    return _load(id_hash)


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
        s = row and _get(kind, h, _from_row(row[0]))
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
    s = s or _load(h)
    if s is None or s.kind != kind:
        return None
    now = clock.now()
    if not s.alive(now):
        _drop(s)
        return None
    if now - s.last_seen_at >= TOUCH_EVERY:
        s = Session(**{**s.__dict__, "last_seen_at": now})
        if backend() == "redis":
            _redis_put(s)
        else:
            db.session.execute(update(LoginSession).where(LoginSession.id_hash == h).values(last_seen_at=now))
            db.session.commit()
    return s


def end(token: str | None) -> bool:
    """End the session of this cookie id (logout). Whether there was one."""
    if not token or not isinstance(token, str):
        return False
    try:
        s = _load(hash_of(token))
        if s is None:
            return False
        _drop(s)
    except RedisError as exc:  # the browser forgets the cookie anyway; the session ends by its TTL
        current_app.logger.warning("sessions: Redis unreachable at logout (%s)", exc)
        return False
    return True


@_unavailable_without_redis
def active(kind: str, owner_id: int) -> list[Session]:
    """The owner's live sessions, most recently used first (dead ones removed on the way)."""
    now, out = clock.now(), []
    for s in _of_owner(kind, owner_id):
        if s.alive(now):
            out.append(s)
        else:
            _drop(s)
    return sorted(out, key=lambda s: s.last_seen_at, reverse=True)


@_unavailable_without_redis
def end_all(kind: str, owner_id: int, *, keep: str | None = None) -> int:
    """End every session of the owner except the one whose hash is ``keep``. Returns how many."""
    n = 0
    for s in _of_owner(kind, owner_id):
        if s.id_hash != keep:
            _drop(s)
            n += 1
    return n


@_unavailable_without_redis
def end_one(kind: str, owner_id: int, id_hash: str) -> bool:
    """End one of the owner's sessions, named by its hash (the sessions list)."""
    s = _load(id_hash)
    if s is None or s.kind != kind or s.owner_id != int(owner_id):
        return False
    _drop(s)
    return True


def destroy(kind: str, owner_id: int) -> int:
    """Delete every session of the owner for the retention engine: the database rows are
    deleted in the caller's transaction (not committed); Redis keys go at once — or, with
    Redis away, by their TTL (at most 5 days), so the sweep's other duties still finish."""
    if backend() == "redis":
        try:
            return end_all.__wrapped__(kind, owner_id)
        except RedisError as exc:
            current_app.logger.warning("sessions: Redis unreachable; member sessions end by TTL (%s)", exc)
            return 0
    return db.session.execute(delete(LoginSession).where(LoginSession.kind == kind,
                                                         LoginSession.owner_id == int(owner_id))).rowcount


# --- storage -------------------------------------------------------------------------------------

def _redis() -> Redis:
    ext = current_app.extensions
    url = current_app.config["SENTEM_REDIS_URL"]
    conn = ext.get("sentem_session_redis")
    if conn is None or ext.get("sentem_session_redis_url") != url:
        conn = ext["sentem_session_redis"] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        ext["sentem_session_redis_url"] = url
    return conn


def _index_key(kind: str, owner_id: int) -> str:
    return f"{_PREFIX}owner:{kind}:{int(owner_id)}"


def _redis_put(s: Session) -> None:
    # Real seconds for the key's life: the absolute end as the Sentem clock counts it, plus slack.
    ttl = min(_KEY_TTL_CAP, max(60, int((s.expires_at - clock.now()).total_seconds()) + 60))
    doc = {**s.__dict__, **{k: getattr(s, k).isoformat() for k in ("created_at", "last_seen_at", "expires_at")}}
    pipe = _redis().pipeline()
    pipe.set(_PREFIX + s.id_hash, json.dumps(doc), ex=ttl)
    pipe.sadd(_index_key(s.kind, s.owner_id), s.id_hash)
    # The index outlives every session in it (it is only tidied, never trusted for liveness).
    pipe.expire(_index_key(s.kind, s.owner_id), _INDEX_TTL)
    pipe.execute()


def _from_doc(raw) -> Session | None:
    if raw is None:
        return None
    doc = json.loads(raw)
    for k in ("created_at", "last_seen_at", "expires_at"):
        doc[k] = _dt.datetime.fromisoformat(doc[k])
    return Session(**doc)


def _load(id_hash: str) -> Session | None:
    if backend() == "redis":
        return _from_doc(_redis().get(_PREFIX + id_hash))
    row = db.session.execute(select(LoginSession).where(LoginSession.id_hash == id_hash)
                             .execution_options(populate_existing=True)).scalar_one_or_none()
    return _from_row(row) if row is not None else None


def _from_row(row: LoginSession) -> Session:
    return Session(row.id_hash, row.kind, row.owner_id, clock.as_utc(row.created_at), clock.as_utc(row.last_seen_at),
                   clock.as_utc(row.expires_at), row.idle_seconds, row.device or "")


def _of_owner(kind: str, owner_id: int) -> list[Session]:
    if backend() == "redis":
        conn = _redis()
        hashes = [h.decode() for h in conn.smembers(_index_key(kind, owner_id))]
        found = []
        for h, raw in zip(hashes, conn.mget([_PREFIX + h for h in hashes]) if hashes else []):
            if raw is None:
                conn.srem(_index_key(kind, owner_id), h)
            else:
                found.append(_from_doc(raw))
        return found
    rows = db.session.execute(select(LoginSession).where(LoginSession.kind == kind,
                                                         LoginSession.owner_id == int(owner_id))).scalars()
    return [_from_row(r) for r in rows]


def _drop(s: Session) -> None:
    if backend() == "redis":
        pipe = _redis().pipeline()
        pipe.delete(_PREFIX + s.id_hash)
        pipe.srem(_index_key(s.kind, s.owner_id), s.id_hash)
        pipe.execute()
    else:
        db.session.execute(delete(LoginSession).where(LoginSession.id_hash == s.id_hash))
        db.session.commit()
