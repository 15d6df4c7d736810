"""``flask worker``: an RQ worker with the cron scheduler process beside it.

Any number of workers may run; each starts a cron process (``cron.py``), and the
one holding the lease enqueues the recurring jobs. The worker watches its cron
process: when that exits while the worker is not stopping (a crash, a job that no
longer imports, a kill), the worker finishes its current job and exits non-zero, so
that its supervisor (systemd, the container runtime) restarts both. The cron process
ignores signals and stops when the worker tells it through a pipe, so a SIGTERM to the
whole process group is never mistaken for its failure.

RQ's own loop quits when Redis goes away while it records a job's end; the worker
then waits for Redis and works on, so a Redis restart costs no process. A loop that
keeps ending by itself with Redis up exits non-zero too. Only a stop that was asked
for (SIGTERM, Ctrl+C) or a finished ``--burst`` exits with 0.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from multiprocessing.connection import wait

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.exceptions import StopRequested

from . import QUEUE, schedule, serve
from .cron import LEASE_SECONDS, cron_in_utc, run_cron  # noqa: F401  (cron_in_utc: tests)

log = logging.getLogger("sentem.jobs")
RESTARTS = 5  # the work loop may end by itself this many times in a row ...
RESTART_WINDOW = 60  # ... each within this many seconds of its start, before the worker gives up


def run_worker(app, burst: bool = False, with_cron: bool = True) -> str | None:
    """Work ``app``'s queue (blocks), with the cron process beside it unless ``burst``.

    Returns None after a requested stop or a finished burst, else why the worker
    stopped by itself (the command exits non-zero with it).
    """
    serve(app)
    connection = Redis.from_url(app.config["SENTEM_REDIS_URL"])
    cron = _CronProcess(app) if with_cron and not burst else None
    try:
        return _work(connection, burst, cron)
    finally:
        if cron is not None:
            cron.stop()


def _work(connection, burst: bool, cron) -> str | None:
    """RQ's work loop, started again when it ends on an error (Redis went away mid-job).

    RQ retries a lost Redis while it waits for a job, but quits when Redis goes while it
    records a job's end; this waits until Redis answers and works on. A loop that keeps
    ending by itself with Redis up is a fault of its own: the worker then exits.
    """
    quick_ends = 0
    while True:
        started = time.monotonic()
        # SimpleWorker runs jobs in this process, where the app is already built; each
        # job still gets its own app context and session (``sentem.jobs.job``).
        worker = _Worker([Queue(QUEUE, connection=connection)], connection=connection)
        try:
            worker.work(burst=burst)
        except RedisError as exc:  # RQ's own clean-up after the error needs Redis too
            log.warning("worker loop ended: Redis unavailable (%s)", type(exc).__name__)
            _drop_subscription(worker)
        if cron is not None and cron.failed:
            return cron.failure()
        if burst or worker.stop_asked:
            return None
        quick_ends = quick_ends + 1 if time.monotonic() - started < RESTART_WINDOW else 1
        if quick_ends > RESTARTS:
            return "the worker loop keeps ending on an error (see the log above)"
        if not _wait_for_redis(connection, worker, cron):
            return cron.failure() if cron is not None and cron.failed else None
        log.warning("Redis answers: working again")


def _wait_for_redis(connection, worker, cron) -> bool:
    """Wait until Redis answers (True), or until a stop is asked for or the cron process fails (False)."""
    pause = 0.5
    try:
        while not worker.stop_asked and not (cron is not None and cron.failed):
            try:
                if connection.ping():
                    return True
            except RedisError:
                pass
            time.sleep(pause)
            pause = min(pause * 2, 5.0)
    except StopRequested:  # a SIGTERM, through RQ's handler (which also sets stop_asked)
        pass
    return False


def _drop_subscription(worker) -> None:
    # RQ's teardown failed before it unsubscribed: stop the command listener thread here.
    thread = getattr(worker, "pubsub_thread", None)
    if thread is not None:
        thread.stop()


def cron_entries(app) -> list[tuple[str, str]]:
    """The app's schedule as ``(name, cron)`` for the spawned cron process."""
    return [(e.name, e.cron) for e in schedule.entries(app)]


def probe_cron(app) -> str | None:
    """``SENTEM_SCHEDULER_PROBE_SECONDS`` adds the probe every that many seconds.

    A deployment check that the scheduler and a worker run (and what the fault tests watch).
    """
    every = app.config.get("SENTEM_SCHEDULER_PROBE_SECONDS")
    return f"* * * * * */{int(every)}" if every else None


class _Worker(SimpleWorker):
    """RQ's SimpleWorker, remembering whether a stop was asked for."""

    stop_asked = False

    def request_stop(self, signum, frame):
        self.stop_asked = True
        super().request_stop(signum, frame)


class _CronProcess:
    """The spawned cron process, and a thread that stops the worker if it dies on its own."""

    def __init__(self, app):
        ctx = multiprocessing.get_context("spawn")
        stop_r, self._stop_w = ctx.Pipe(duplex=False)  # writing to it asks the process to stop
        args = (app.config["SENTEM_REDIS_URL"], app.config["SQLALCHEMY_DATABASE_URI"], cron_entries(app),
                float(app.config.get("SENTEM_SCHEDULER_LEASE_SECONDS") or LEASE_SECONDS), stop_r, probe_cron(app))
        self.process = ctx.Process(target=run_cron, args=args, name="sentem-cron", daemon=True)
        self.stopping = self.failed = False
        self.process.start()
        stop_r.close()
        threading.Thread(target=self._watch, name="sentem-cron-watch", daemon=True).start()

    def _watch(self) -> None:
        wait([self.process.sentinel])  # ready when the process has exited (it is reaped in stop())
        if self.stopping:
            return
        self.failed = True
        log.error("the cron scheduler exited on its own: stopping this worker (non-zero exit)")
        os.kill(os.getpid(), signal.SIGTERM)  # RQ's warm shutdown: a running job finishes first

    def failure(self) -> str:
        return (f"the cron scheduler exited (status {self.process.exitcode}); "
                "this worker stops so that its supervisor restarts both")

    def stop(self) -> None:
        """Ask the process to stop (it gives its lease back), and wait for it."""
        self.stopping = True
        try:
            self._stop_w.send_bytes(b"stop")
        except OSError:
            pass  # it has exited already
        self.process.join(timeout=15)  # a pass in progress may wait on Redis for a few seconds
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
