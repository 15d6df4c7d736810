"""The scheduler under faults, with a real redis-server and real ``flask worker`` processes.

Redis restarted under a running worker, a worker SIGKILLed, a scheduler process that
dies, a heartbeat that stops: each as it happened, and what must follow. The workers
run with a 3-second lease and the probe as a recurring job every second (app config
knobs), so every wait below is bounded polling, never a fixed sleep.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from sentem import clock
from sentem.extensions import db
from sentem.jobs import heartbeat, inprocess, leader
from sentem.jobs.models import JobRun
from sentem.jobs.probe import PREFIX
from tests.redis_server import redis_server  # noqa: F401  (fixture)
from tests.worker_env import worker_env

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KNOBS = {"SENTEM_SCHEDULER_LEASE_SECONDS": 3, "SENTEM_SCHEDULER_PROBE_SECONDS": 1}
TIMEOUT = 90  # seconds: generous for a loaded machine; a healthy run takes a few


@pytest.fixture
def app_config(redis_server):  # noqa: F811
    return {"SENTEM_REDIS_URL": redis_server.url, "SENTEM_SCHEDULER_CHECK": True}


def until(predicate, what: str, timeout: float = TIMEOUT):
    """Poll ``predicate`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"gave up after {timeout}s waiting for {what}")


def start_worker(app, tmp_path, name: str) -> subprocess.Popen:
    """``flask worker`` in its own process, as in production, on the test's databases and Redis."""
    env = worker_env(app)
    db.session.remove()  # hold no read transaction that would block the worker's writes
    with open(tmp_path / f"{name}.log", "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", f"sentem:create_app({KNOBS!r})", "worker"],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    proc.log_path = tmp_path / f"{name}.log"
    return proc


def stop_worker(proc: subprocess.Popen) -> int:
    """SIGTERM to the worker's whole process group, as systemd or ``docker stop`` send it."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # whatever is left, e.g. an orphan after a failed test
    except ProcessLookupError:
        pass
    return proc.wait(timeout=10)


def log_of(proc) -> str:
    """Everything the worker and its scheduler logged so far."""
    return proc.log_path.read_text(errors="replace")


def tail_of(proc) -> str:
    return log_of(proc)[-4000:]


def logged(proc, *words: str) -> int:
    """How many log lines contain every one of ``words``."""
    return sum(all(w in line for w in words) for line in log_of(proc).splitlines())


def probe_stamp():
    """When the recurring probe last ran (written by the worker), or None."""
    try:
        return db.session.execute(select(JobRun.last_run_at).where(JobRun.name == PREFIX + "recurring")).scalar()
    finally:
        db.session.remove()


def moved_past(read, before):
    def check():
        now = read()
        return now is not None and (before is None or now > before)
    return check


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie nobody reaped has exited)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def cron_pid(owner: str) -> int:
    return int(owner.rsplit("-", 1)[1])  # sentem-cron-<host>-<pid>


def test_redis_restarted_under_a_running_worker_the_schedule_goes_on(app, redis_server, tmp_path):  # noqa: F811
    worker = start_worker(app, tmp_path, "worker")
    try:
        owner = until(lambda: leader.holder(redis_server.client()), "the scheduler to take the lease")
        until(probe_stamp, "the recurring probe to run")

        redis_server.stop()
        until(lambda: logged(worker, "sentem.jobs.cron", "Redis unavailable"), "the scheduler to notice Redis is down")
        redis_server.start()  # empty: the lease, the queue and RQ's registries are gone

        conn = redis_server.client()
        assert until(lambda: leader.holder(conn), "the lease to be taken again") == owner  # same scheduler
        until(lambda: logged(worker, "holding the lease") == 2, "the scheduler to say it leads again")
        assert worker.poll() is None, tail_of(worker)
        # Stamps read now may come from before the restart; a later one needs a job enqueued
        # into the new Redis by the scheduler and run by the reconnected worker.
        stamp, beat = probe_stamp(), heartbeat.last()
        until(moved_past(probe_stamp, stamp), "the recurring probe to run again after the restart")
        until(moved_past(heartbeat.last, beat), "the heartbeat to move again after the restart")
        assert conn.zscore("rq:cron_jobs", "probe") is not None  # enqueued into the new Redis
        assert worker.poll() is None, tail_of(worker)
    finally:
        code = stop_worker(worker)
    assert code == 0, tail_of(worker)  # stopped on request (the whole group got SIGTERM): a clean exit
    assert leader.holder(redis_server.client()) is None  # the lease was given back


def test_redis_gone_while_a_job_ends_the_worker_waits_and_works_on(app, redis_server, tmp_path):  # noqa: F811
    """RQ's loop quits when Redis goes while it records a job's end; the worker process must not."""
    from rq import Queue

    from sentem.jobs import QUEUE
    from tests.slow_job import hold

    worker = start_worker(app, tmp_path, "worker")
    try:
        until(lambda: leader.holder(redis_server.client()), "the scheduler to take the lease")
        Queue(QUEUE, connection=redis_server.client()).enqueue(hold, str(tmp_path))
        until(lambda: (tmp_path / "started").exists(), "the slow job to start")
        redis_server.stop()
        (tmp_path / "finish").touch()  # the job ends while Redis is away
        until(lambda: "Redis unavailable" in log_of(worker), "the worker to notice Redis is down")
        redis_server.start()
        # Whether RQ's loop ended (and the worker restarted it) or RQ's own retry carried it
        # depends on the moment Redis went; either way the same process must work again.
        stamp = probe_stamp()
        until(moved_past(probe_stamp, stamp), "the recurring probe to run after Redis came back")
        assert worker.poll() is None, tail_of(worker)
    finally:
        code = stop_worker(worker)
    assert code == 0, tail_of(worker)


def test_a_killed_worker_takes_its_scheduler_along_and_the_next_worker_leads(app, redis_server, tmp_path):  # noqa: F811
    conn = redis_server.client()
    first = start_worker(app, tmp_path, "first")
    try:
        owner = until(lambda: leader.holder(conn), "the first scheduler to take the lease")
        first.kill()  # SIGKILL: no cleanup runs in the worker
        first.wait(timeout=30)
        until(lambda: not alive(cron_pid(owner)), "the orphaned scheduler to exit")
        assert leader.holder(conn) is None  # it gave its lease back rather than holding it
    finally:
        stop_worker(first)
    second = start_worker(app, tmp_path, "second")
    try:
        successor = until(lambda: leader.holder(conn), "the next worker's scheduler to take the lease")
        assert successor != owner
        stamp = probe_stamp()
        until(moved_past(probe_stamp, stamp), "the recurring probe to run under the new scheduler")
    finally:
        assert stop_worker(second) == 0, tail_of(second)


def test_a_worker_whose_scheduler_dies_exits_non_zero(app, redis_server, tmp_path):  # noqa: F811
    worker = start_worker(app, tmp_path, "worker")
    try:
        owner = until(lambda: leader.holder(redis_server.client()), "the scheduler to take the lease")
        os.kill(cron_pid(owner), signal.SIGKILL)
        code = worker.wait(timeout=TIMEOUT)
    finally:
        stop_worker(worker)
    assert code != 0  # a supervisor restarts it, and a new scheduler with it
    assert "cron scheduler exited" in log_of(worker)


def _scheduler_check(client):
    resp = client.get("/healthz")
    return resp.status_code, resp.get_json()["checks"]["scheduler"]


def test_healthz_reports_the_heartbeat_and_503_once_it_is_stale(app, client):
    status, check = _scheduler_check(client)
    assert status == 503 and not check["ok"] and "no scheduler heartbeat" in check["detail"]
    heartbeat.beat()
    status, check = _scheduler_check(client)
    assert status == 200 and check["ok"]
    assert clock.now().isoformat(timespec="seconds") in check["detail"]  # when it last beat
    clock.advance(minutes=int(heartbeat.STALE_AFTER.total_seconds() // 60))
    assert _scheduler_check(client)[0] == 200  # exactly at the limit: still fresh
    clock.advance(seconds=1)
    status, check = _scheduler_check(client)
    assert status == 503 and not check["ok"] and "not running" in check["detail"]
    heartbeat.beat()  # the scheduler is back
    assert _scheduler_check(client)[0] == 200


def test_the_in_process_scheduler_beats_on_every_pass(app, client):
    app.config["SENTEM_REDIS_URL"] = None
    inprocess.run_pass(app, [])
    assert _scheduler_check(client)[0] == 200
    clock.advance(minutes=6)  # the thread stopped: no pass for six minutes
    assert _scheduler_check(client)[0] == 503
    inprocess.run_pass(app, [])
    assert _scheduler_check(client)[0] == 200
