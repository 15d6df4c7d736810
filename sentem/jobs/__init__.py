"""Background jobs: RQ on Redis when ``SENTEM_REDIS_URL`` is set, in-process otherwise.

Jobs are plain functions that take ids, open their own app context and are safe to
run twice. Durable duties live in the database, so a job lost with Redis is done by
the next run.

A job runs on the app of the caller (in-process, or a test's worker) or, in a worker
process, on the app its bootstrap handed over with ``serve(app)`` (``flask worker``
does): the jobs never build an app themselves, so they import nothing above them.
"""
from __future__ import annotations

import functools
import logging

from flask import current_app, has_app_context

log = logging.getLogger("sentem.jobs")
QUEUE = "sentem"
_worker_app = None  # set by the worker's bootstrap (``serve``); one per process


def job(fn):
    """Make ``fn`` runnable as a job: it gets its own app context (and session)."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        with _app().app_context():
            return fn(*args, **kwargs)

    run.sentem_job = True
    return run


def enqueue(fn, *args, **kwargs):
    """Run ``fn(*args, **kwargs)`` as a job. Returns the RQ job, or the result in-process.

    When Redis is configured but down, the job is not run and ``None`` is returned:
    callers keep their duties in the database, so nothing is lost.

    Commit before enqueueing: the job runs in its own app context and session (at once
    in-process, or later on a worker), and must see what the caller wrote — on SQLite
    an uncommitted write would also make the in-process job wait for the lock.
    """
    url = current_app.config["SENTEM_REDIS_URL"]
    if not url:
        log.info("running %s in-process (no SENTEM_REDIS_URL)", fn.__name__)
        return fn(*args, **kwargs)
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue

    try:
        queue = Queue(QUEUE, connection=Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5))
        return queue.enqueue(fn, *args, **kwargs)
    except RedisError as exc:
        log.warning("Redis unavailable (%s): %s left for the next sweep", type(exc).__name__, fn.__name__)
        return None


def serve(app) -> None:
    """Run this process's jobs on ``app`` when no app context is active (a worker's bootstrap)."""
    global _worker_app
    _worker_app = app


def _app():
    if has_app_context():
        return current_app._get_current_object()
    if _worker_app is None:
        raise RuntimeError("a job ran with no app: start workers with `flask worker`, which serves the app")
    return _worker_app
