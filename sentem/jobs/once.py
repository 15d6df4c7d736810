"""Jobs that one queued run does for everyone: ``enqueue_once(fn, key)``.

The early retention sweep a withdrawal asks for is such a job: a sweep does every
duty that is due, so 480 withdrawals in an hour need one queued sweep, not 480.
The job id is fixed and RQ 3's ``unique=True`` enqueues atomically (a Lua script
refuses an id that exists). A job keeps its id while it runs, and a request made
then may come after the running sweep read its work; so there are two ids, and
such a request queues the other one. A finished run frees its id at once
(``result_ttl=0``); a failed one keeps it for ``FAILURE_TTL`` (visible to operators),
while the other id still serves.
"""
from __future__ import annotations

import logging

from flask import current_app

from . import QUEUE

log = logging.getLogger("sentem.jobs")
SLOTS = ("a", "b")
WAITING = ("queued", "scheduled", "deferred")  # RQ job statuses of a run that has not started
FAILURE_TTL = 3600


def enqueue_once(fn, key: str):
    """Enqueue ``fn()`` under job id ``key`` unless a run of it is already waiting.

    Returns the waiting or new RQ job; in-process (no Redis) runs ``fn()`` and returns
    its result; returns None when Redis is down, or when both ids are taken by runs
    under way (the next scheduled run does the work).
    """
    url = current_app.config["SENTEM_REDIS_URL"]
    if not url:
        return fn()
    # Imported here, as in ``enqueue``: only apps with Redis load RQ.
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue
    from rq.exceptions import DuplicateJobError
    from rq.job import Job

    ids = [f"{key}-{slot}" for slot in SLOTS]
    try:
        conn = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        for job in Job.fetch_many(ids, connection=conn):
            if job is not None and job.get_status(refresh=False) in WAITING:
                return job  # it has not started: it will see what the caller committed
        queue = Queue(QUEUE, connection=conn)
        for job_id in ids:
            try:
                return queue.enqueue(fn, job_id=job_id, unique=True, result_ttl=0, failure_ttl=FAILURE_TTL)
            except DuplicateJobError:
                continue  # under way (or just failed): try the other id
    except RedisError as exc:
        log.warning("Redis unavailable (%s): %s left for the next scheduled run", type(exc).__name__, fn.__name__)
    return None
