"""A leader lease in Redis: one cron scheduler at a time enqueues the recurring jobs.

The lease is a key holding its owner's name with a short TTL. The owner renews it
on every pass (compare-and-expire) and gives it back on exit (compare-and-delete),
both as Lua scripts so that nobody ever renews or deletes a lease another process
took meanwhile. Whoever finds it free takes it (``SET NX PX``): after a Redis
restart the key is simply gone and the next pass takes it again; after its owner
died it expires within the TTL.
"""
from __future__ import annotations

KEY = "sentem:cron-leader"

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class Lease:
    """The cron lease as seen by ``owner``; every call may raise ``redis.RedisError``."""

    def __init__(self, conn, owner: str, ttl_seconds: float, key: str = KEY):
        self.conn, self.owner, self.key = conn, owner, key
        self.ttl_ms = max(int(ttl_seconds * 1000), 1)
        # Script objects load themselves again after a Redis restart (NOSCRIPT).
        self._renew = conn.register_script(_RENEW)
        self._release = conn.register_script(_RELEASE)

    def hold(self) -> bool:
        """Renew the lease if it is ours, else take it if it is free; True while we hold it."""
        if self._renew(keys=[self.key], args=[self.owner, self.ttl_ms]):
            return True
        return bool(self.conn.set(self.key, self.owner, nx=True, px=self.ttl_ms))

    def release(self) -> bool:
        """Give the lease back if (and only if) it is still ours."""
        return bool(self._release(keys=[self.key], args=[self.owner]))


def holder(conn, key: str = KEY) -> str | None:
    """The name of the process holding the lease, or None when it is free."""
    value = conn.get(key)
    return value.decode() if value is not None else None
