"""The Redis store of login sessions: every process sees a logout at once; keys expire by TTL.

Idle and absolute lifetimes are still counted on the Sentem clock (``Session.alive``);
Redis' TTL only clears dead keys away.
"""
from __future__ import annotations

import datetime as _dt
import json

from flask import current_app
from redis import Redis

from .. import clock
from .session_records import Session

_PREFIX = "sentem:session:"
_INDEX_TTL = 90 * 86400  # longer than any absolute lifetime
# A Redis key lives at most 5 real days past its last use (refreshed on use): what a
# withdrawal's destruction could not reach while Redis was away still ends within the
# policy's 5-day destruction deadline.
_KEY_TTL_CAP = 5 * 86400
_STAMPS = ("created_at", "last_seen_at", "expires_at")


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


def _from_doc(raw) -> Session | None:
    if raw is None:
        return None
    doc = json.loads(raw)
    for k in _STAMPS:
        doc[k] = _dt.datetime.fromisoformat(doc[k])
    return Session(**doc)


class RedisBackend:
    """Sessions as JSON documents under ``sentem:session:<hash>``, with an index set per owner."""

    @staticmethod
    def load(id_hash: str) -> Session | None:
        return _from_doc(_redis().get(_PREFIX + id_hash))

    @staticmethod
    def of_owner(kind: str, owner_id: int) -> list[Session]:
        conn = _redis()
        hashes = [h.decode() for h in conn.smembers(_index_key(kind, owner_id))]
        found = []
        for h, raw in zip(hashes, conn.mget([_PREFIX + h for h in hashes]) if hashes else []):
            if raw is None:
                conn.srem(_index_key(kind, owner_id), h)
            else:
                found.append(_from_doc(raw))
        return found

    @staticmethod
    def put(s: Session) -> None:
        # Real seconds for the key's life: the absolute end as the Sentem clock counts it, plus slack.
        ttl = min(_KEY_TTL_CAP, max(60, int((s.expires_at - clock.now()).total_seconds()) + 60))
        doc = {**s.__dict__, **{k: getattr(s, k).isoformat() for k in _STAMPS}}
        pipe = _redis().pipeline()
        pipe.set(_PREFIX + s.id_hash, json.dumps(doc), ex=ttl)
        pipe.sadd(_index_key(s.kind, s.owner_id), s.id_hash)
        # The index outlives every session in it (it is only tidied, never trusted for liveness).
        pipe.expire(_index_key(s.kind, s.owner_id), _INDEX_TTL)
        pipe.execute()

    touch = put

    @staticmethod
    def drop(s: Session) -> None:
        pipe = _redis().pipeline()
        pipe.delete(_PREFIX + s.id_hash)
        pipe.srem(_index_key(s.kind, s.owner_id), s.id_hash)
        pipe.execute()

    @classmethod
    def destroy(cls, kind: str, owner_id: int) -> int:
        """Delete every key of the owner at once; returns how many sessions."""
        found = cls.of_owner(kind, owner_id)
        for s in found:
            cls.drop(s)
        return len(found)
