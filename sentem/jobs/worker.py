"""``flask worker``: an RQ worker plus RQ's cron scheduler for the recurring duties.

Any number of workers may run; only one cron scheduler at a time enqueues the
recurring jobs (a lease in Redis), so duties are not enqueued once per worker. When
the leader dies its lease expires and a waiting worker's scheduler takes over.

Redis and RQ are imported where they are used: every ``flask`` command loads this
module (through ``cli``), and only ``flask worker`` needs them.
"""
from __future__ import annotations

import multiprocessing
import os
import socket
import threading
import time

from . import QUEUE, schedule, serve

LEADER_KEY = "sentem:cron-leader"
LEASE_SECONDS = 60


def _hold_lease(conn, name: str) -> None:
    """Wait until this process holds the cron lease, then keep renewing it in a thread."""
    while not conn.set(LEADER_KEY, name, nx=True, ex=LEASE_SECONDS):
        time.sleep(LEASE_SECONDS / 3)

    def renew():
        while True:
            time.sleep(LEASE_SECONDS / 3)
            try:
                if conn.get(LEADER_KEY) != name.encode():
                    os._exit(3)  # lost the lease (Redis was away): another scheduler leads now
                conn.expire(LEADER_KEY, LEASE_SECONDS)
            except Exception:
                continue  # Redis briefly down: try again; the lease outlives a short outage

    threading.Thread(target=renew, name="sentem-cron-lease", daemon=True).start()


def run_cron(redis_url: str, entries: list[tuple[str, str, str]]) -> None:
    """Register every recurring job with RQ's cron scheduler and run it (blocks).

    ``entries`` are ``(name, "module:function", cron)``: this runs in a spawned
    process, which imports each job by name.
    """
    from redis import Redis
    from rq.cron import CronScheduler

    conn = Redis.from_url(redis_url)
    name = f"sentem-cron-{socket.gethostname()}-{multiprocessing.current_process().pid}"
    try:
        _hold_lease(conn, name)
    except KeyboardInterrupt:
        return  # the worker stopped while this scheduler was waiting its turn
    try:
        cron = CronScheduler(connection=conn, name=name)
        for name_, path, cron_line in entries:
            cron.register(schedule.resolve_path(path), QUEUE, cron=cron_line, name=name_)
        cron.start()
    except KeyboardInterrupt:
        pass
    finally:
        if conn.get(LEADER_KEY) == name.encode():
            conn.delete(LEADER_KEY)  # hand over at once instead of after the lease expires


def run_worker(app, burst: bool = False, with_cron: bool = True) -> None:
    """Work the queue for ``app`` (its ``SENTEM_REDIS_URL``); the cron scheduler runs in a child
    process beside it, with the app's schedule (``schedule.entries(app)``)."""
    from redis import Redis
    from rq import Queue, SimpleWorker

    redis_url = app.config["SENTEM_REDIS_URL"]
    serve(app)
    connection = Redis.from_url(redis_url)
    cron = None
    if with_cron and not burst:
        entries = [(e.name, e.path, e.cron) for e in schedule.entries(app)]
        cron = multiprocessing.get_context("spawn").Process(target=run_cron, args=(redis_url, entries), daemon=True)
        cron.start()
    try:
        # SimpleWorker runs jobs in this process, where the app is already built; each
        # job still gets its own app context and session (``sentem.jobs.job``).
        SimpleWorker([Queue(QUEUE, connection=connection)], connection=connection).work(burst=burst)
    finally:
        if cron is not None:
            cron.terminate()
