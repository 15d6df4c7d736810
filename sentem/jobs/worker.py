"""``flask worker``: an RQ worker with the cron scheduler process beside it.

Any number of workers may run; each starts a cron process (``cron.py``), and the
one holding the lease enqueues the recurring jobs. The worker watches its cron
process: when that exits while the worker is not stopping (a crash, a job that no
longer imports), the worker finishes its current job and exits non-zero, so that
its supervisor (systemd, the container runtime) restarts both. A worker loop that
ends by itself (RQ gives up after some Redis errors) exits non-zero too. Only a stop
that was asked for (SIGTERM, Ctrl+C) or a finished ``--burst`` exits with 0.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from multiprocessing.connection import wait

from redis import Redis
from rq import Queue, SimpleWorker

from . import QUEUE, schedule
from .cron import LEASE_SECONDS, run_cron
from .probe import recurring_probe

log = logging.getLogger("sentem.jobs")


def run_worker(app, burst: bool = False, with_cron: bool = True) -> str | None:
    """Work ``app``'s queue (blocks), with the cron process beside it unless ``burst``.

    Returns None after a requested stop or a finished burst, else why the worker
    stopped by itself (the command exits non-zero with it).
    """
    connection = Redis.from_url(app.config["SENTEM_REDIS_URL"])
    worker = _Worker([Queue(QUEUE, connection=connection)], connection=connection)
    cron = _CronProcess(app) if with_cron and not burst else None
    try:
        # SimpleWorker runs jobs in this process, where the app is already built; each
        # job still gets its own app context and session (``sentem.jobs.job``).
        worker.work(burst=burst)
    finally:
        if cron is not None:
            cron.stop()
    if cron is not None and cron.failed:
        return (f"the cron scheduler exited (status {cron.process.exitcode}); "
                "this worker stops so that its supervisor restarts both")
    if not burst and not worker.stop_asked:
        return "the worker loop ended without being asked to stop (see the log above)"
    return None


def cron_entries(app) -> list[tuple[str, str, str]]:
    """The app's schedule as ``(name, "module:function", cron)`` for the spawned cron process.

    ``SENTEM_SCHEDULER_PROBE_SECONDS`` adds the probe every that many seconds: a
    deployment check that the scheduler and a worker run (and what the fault tests watch).
    """
    entries = [(e.name, e.path, e.cron) for e in schedule.entries(app)]
    every = app.config.get("SENTEM_SCHEDULER_PROBE_SECONDS")
    if every:
        entries.append(("probe", f"{recurring_probe.__module__}:{recurring_probe.__qualname__}",
                        f"* * * * * */{int(every)}"))
    return entries


class _Worker(SimpleWorker):
    """RQ's SimpleWorker, remembering whether a stop was asked for."""

    stop_asked = False

    def request_stop(self, signum, frame):
        self.stop_asked = True
        super().request_stop(signum, frame)


class _CronProcess:
    """The spawned cron process, and a thread that stops the worker if it dies on its own."""

    def __init__(self, app):
        args = (app.config["SENTEM_REDIS_URL"], app.config["SQLALCHEMY_DATABASE_URI"], cron_entries(app),
                float(app.config.get("SENTEM_SCHEDULER_LEASE_SECONDS") or LEASE_SECONDS))
        self.process = multiprocessing.get_context("spawn").Process(
            target=run_cron, args=args, name="sentem-cron", daemon=True)
        self.stopping = self.failed = False
        self.process.start()
        threading.Thread(target=self._watch, name="sentem-cron-watch", daemon=True).start()

    def _watch(self) -> None:
        wait([self.process.sentinel])  # ready when the process has exited (it is reaped in stop())
        if self.stopping:
            return
        self.failed = True
        log.error("the cron scheduler exited on its own: stopping this worker (non-zero exit)")
        os.kill(os.getpid(), signal.SIGTERM)  # RQ's warm shutdown: a running job finishes first

    def stop(self) -> None:
        self.stopping = True
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=15)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
