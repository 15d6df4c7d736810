"""The cron process beside each ``flask worker``: it enqueues the recurring jobs on time.

Every worker starts one; the one holding the lease (``leader.py``) leads, the others
wait as standbys. On each pass (at most a third of the lease's TTL apart):

- the lease is renewed, or taken when free. A scheduler that (re)takes it first
  resumes each job's timetable from its last enqueue by any scheduler (RQ's cron
  registry in Redis, as far as Redis still holds it), so a takeover neither repeats
  an occurrence the previous leader enqueued nor skips one that fell due meanwhile;
- the leader enqueues what is due (RQ's ``CronScheduler``) and writes the heartbeat
  row that /healthz reads (``heartbeat.py``);
- a Redis error is logged and the pass tried again later: a Redis restart costs a few
  passes, never the scheduler;
- when the worker that started it is gone (even SIGKILLed, which runs no cleanup), it
  gives back its lease — only if still its own — and exits, so that the next worker's
  scheduler takes over at once instead of finding the lease held by an orphan.

It runs in a spawned process without a Flask app: it knows each entry by its name
only and enqueues ``schedule.run_recurring(name)``, which the worker resolves in its
own app; it writes the heartbeat through its own small engine on the main database.
"""
from __future__ import annotations

import datetime as _dt
import logging
import multiprocessing
import os
import signal
import socket
import time
from multiprocessing.connection import wait

from redis import Redis
from redis.exceptions import RedisError
from rq import cron_job_registry
from rq.cron import CronScheduler
from sqlalchemy import create_engine

from ..config import engine_options
from . import QUEUE, heartbeat, schedule
from .leader import Lease
from .probe import recurring_probe

log = logging.getLogger("sentem.jobs.cron")
LEASE_SECONDS = 30  # a dead leader's lease frees itself this fast; renewed every third of it
MIN_WAIT = 0.2  # never spin, not even when a due job could not be enqueued


def cron_in_utc() -> None:
    """Read the schedule's crontabs in UTC, as the table and the in-process scheduler do.

    RQ's cron matches the fields against the process's local time; a host set to
    Asia/Seoul would otherwise run every entry nine hours early.
    """
    os.environ["TZ"] = "UTC"
    time.tzset()


def run_cron(redis_url: str, database_url: str, entries: list[tuple[str, str]],
             lease_seconds: float = LEASE_SECONDS, stop=None, probe_cron: str | None = None) -> None:
    """Schedule ``entries`` — ``(name, cron)`` — until told to stop (blocks).

    ``probe_cron`` adds the scheduler probe (``probe.recurring_probe``) on that crontab.

    It stops when ``stop`` (the read end of a pipe from the worker) becomes readable, or
    when the worker is gone. Signals are ignored: a SIGTERM sent to the whole process
    group (systemd, a container stop) is for the worker, which then stops this process
    itself; so an exit here always means the worker asked or went. Any error other than
    Redis's ends the process non-zero, and the worker stops too (``worker.py``).
    """
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cron_in_utc()  # this child process only schedules
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    parent = multiprocessing.parent_process()
    conn = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)
    name = f"sentem-cron-{socket.gethostname()}-{os.getpid()}"
    scheduler = CronScheduler(connection=conn, name=name)
    for entry_name, cron in entries:
        scheduler.register(schedule.run_recurring, QUEUE, args=(entry_name,), cron=cron, name=entry_name)
    if probe_cron:
        scheduler.register(recurring_probe, QUEUE, cron=probe_cron, name="probe")
    engine = create_engine(database_url, **engine_options(database_url))
    passes = _Passes(scheduler, Lease(conn, name, lease_seconds), engine, tick=lease_seconds / 3)
    # The parent's sentinel becomes readable when the worker dies, even by SIGKILL.
    watched = [c for c in (stop, parent.sentinel if parent else None) if c is not None]
    try:
        while _parent_alive(parent):
            pause = passes.run()
            if not watched:
                time.sleep(pause)
            elif wait(watched, timeout=pause):
                break  # asked to stop, or the worker is gone
    finally:
        passes.stop()
        engine.dispose()


def _parent_alive(parent) -> bool:
    # The sentinel wakes the wait at once; the parent pid catches the rest (a reparented child).
    return parent is None or os.getppid() == parent.pid


class _Passes:
    """The scheduler's state between passes: leading or not, Redis and database reachable or not."""

    def __init__(self, scheduler: CronScheduler, lease: Lease, engine, tick: float):
        self.scheduler, self.lease, self.engine, self.tick = scheduler, lease, engine, tick
        self.leading = False
        self.redis_ok = self.db_ok = True

    def run(self) -> float:
        """One pass; returns how long to wait before the next."""
        try:
            if not self.lease.hold():
                if self.leading:
                    log.warning("cron %s: another scheduler holds the lease now; standing by", self.lease.owner)
                self.leading = False
                return self.tick
            if not self.leading:
                self._resume()
                self.scheduler.register_birth()
                log.info("cron %s: holding the lease, scheduling %d jobs", self.lease.owner,
                         len(self.scheduler.get_jobs()))
                self.leading = True
            if self.scheduler.enqueue_jobs():
                self.scheduler.save()
            self.scheduler.heartbeat()
        except RedisError as exc:
            if self.redis_ok:
                log.warning("cron %s: Redis unavailable (%s); trying again every %.0fs",
                            self.lease.owner, type(exc).__name__, self.tick)
            self.redis_ok, self.leading = False, False  # re-take (and resume) once Redis answers
            return self.tick
        if not self.redis_ok:
            log.info("cron %s: Redis is back", self.lease.owner)
            self.redis_ok = True
        self._beat()
        return max(MIN_WAIT, min(self.tick, self.scheduler.calculate_sleep_interval()))

    def _resume(self) -> None:
        """Continue each job's timetable from its last enqueue by any scheduler (or by this one)."""
        key = cron_job_registry.get_registry_key()
        for job in self.scheduler.get_jobs():
            score = self.lease.conn.zscore(key, job.name)
            seen = [t for t in (job.latest_enqueue_time,
                                _dt.datetime.fromtimestamp(score, _dt.timezone.utc) if score else None) if t]
            if seen:
                job.set_enqueue_time(max(seen))

    def _beat(self) -> None:
        try:
            with self.engine.begin() as conn:
                heartbeat.write(conn)
        except Exception as exc:  # the database away: /healthz says so (stale heartbeat, database down)
            if self.db_ok:
                log.warning("cron %s: heartbeat not written (%s)", self.lease.owner, type(exc).__name__)
            self.db_ok = False
            return
        self.db_ok = True

    def stop(self) -> None:
        """Give the lease back if it is still ours (a successor takes over at once)."""
        try:
            if self.lease.release():
                log.info("cron %s: lease given back", self.lease.owner)
            if self.leading:
                self.scheduler.register_death()
        except RedisError:
            pass  # Redis away: the lease expires by itself
