"""``flask worker``: an RQ worker plus RQ's cron scheduler for the recurring duties."""
from __future__ import annotations

import multiprocessing

from redis import Redis
from rq import Queue, SimpleWorker

from . import QUEUE, schedule


def run_cron(redis_url: str) -> None:
    """Register every recurring job with RQ's cron scheduler and run it (blocks)."""
    from rq.cron import CronScheduler

    cron = CronScheduler(connection=Redis.from_url(redis_url), name=f"sentem-cron-{multiprocessing.current_process().pid}")
    for entry in schedule.available():
        cron.register(entry.resolve(), QUEUE, cron=entry.cron, name=entry.name)
    cron.start()


def run_worker(redis_url: str, burst: bool = False, with_cron: bool = True) -> None:
    """Work the queue; the cron scheduler runs in a child process beside it."""
    connection = Redis.from_url(redis_url)
    cron = None
    if with_cron and not burst:
        cron = multiprocessing.get_context("spawn").Process(target=run_cron, args=(redis_url,), daemon=True)
        cron.start()
    try:
        # SimpleWorker runs jobs in this process, where the app context already is.
        SimpleWorker([Queue(QUEUE, connection=connection)], connection=connection).work(burst=burst)
    finally:
        if cron is not None:
            cron.terminate()
