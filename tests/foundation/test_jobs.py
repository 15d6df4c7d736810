"""Jobs plumbing: in-process without Redis, a real RQ worker on a real Redis, the schedule."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sentem import clock
from sentem.extensions import db
from sentem.jobs import enqueue, inprocess, job, schedule
from sentem.jobs.inprocess import JobRun
from sentem.jobs.probe import PREFIX, probe_job
from tests.conftest import REDIS_URL
from tests.worker_env import worker_env


def _root():
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _stamp(name):
    db.session.expire_all()
    row = db.session.get(JobRun, PREFIX + name)
    return row.last_run_at if row else None


def test_enqueue_runs_in_process_without_redis(app):
    app.config["SENTEM_REDIS_URL"] = None
    assert enqueue(probe_job, "inline") == PREFIX + "inline"
    assert _stamp("inline") == clock.now()




def test_a_real_job_through_a_real_worker(app):
    """With SENTEM_TEST_REDIS_URL: enqueue on Redis, then `flask worker --burst` (a separate
    process, as in production) runs it. Without Redis: the embedded in-process path."""
    if not REDIS_URL:
        app.config["SENTEM_REDIS_URL"] = None
        enqueue(probe_job, "worker")
        assert _stamp("worker") == clock.now()
        return
    from redis import Redis
    from rq import Queue

    from sentem.jobs import QUEUE

    rq_job = enqueue(probe_job, "worker")
    assert rq_job is not None and rq_job.get_status() == "queued"
    assert _stamp("worker") is None  # nothing ran yet: it waits on Redis
    # What the cron process enqueues: a feature's duty by its name, found in the worker's app.
    duty = enqueue(schedule.run_recurring, "refund-deadlines")
    unknown = enqueue(schedule.run_recurring, "no-such-duty")
    db.session.commit()
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst"],
        cwd=_root(), env=worker_env(app), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    rq_job.refresh()
    assert rq_job.get_status() == "finished", result.stderr[-2000:]
    assert rq_job.return_value() == PREFIX + "worker"
    duty.refresh()
    unknown.refresh()
    assert duty.get_status() == "finished", result.stderr[-2000:]
    assert unknown.get_status() == "failed"  # loudly, not passed for done
    assert _stamp("worker") is not None  # the worker's own process wrote the row
    assert Queue(QUEUE, connection=Redis.from_url(REDIS_URL)).count == 0


def test_run_jobs_fixture_works_the_queue(app, run_jobs):
    enqueue(probe_job, "fixture")
    run_jobs()
    assert _stamp("fixture") == clock.now()


def test_enqueue_with_redis_down_loses_nothing_but_the_kick(app):
    app.config["SENTEM_REDIS_URL"] = "redis://127.0.0.1:9/0"
    assert enqueue(probe_job, "lost") is None
    assert _stamp("lost") is None


def test_in_process_scheduler_runs_each_occurrence_once(app):
    entry = schedule.Recurring("probe-hourly", "sentem.jobs.probe:probe_job", "0 * * * *")
    calls = []

    class Counting(schedule.Recurring):
        def resolve(self):
            return lambda: calls.append(clock.now())

    hourly = Counting(entry.name, entry.func, entry.cron)
    assert inprocess.run_due(app, [hourly]) == []  # first sight: registered, not run
    assert inprocess.run_due(app, [hourly]) == []
    clock.advance(minutes=59)  # 10:59 KST = 01:59 UTC: next occurrence 02:00 not yet
    assert inprocess.run_due(app, [hourly]) == []
    clock.advance(minutes=1)
    assert inprocess.run_due(app, [hourly]) == ["probe-hourly"]
    assert inprocess.run_due(app, [hourly]) == []  # same occurrence: not again
    clock.advance(hours=3, minutes=30)  # three occurrences missed: one catch-up run
    assert inprocess.run_due(app, [hourly]) == ["probe-hourly"]
    assert inprocess.run_due(app, [hourly]) == []
    assert len(calls) == 2


def test_schedule_lists_the_recurring_duties(app):
    names = [r.name for r in schedule.entries(app)]
    assert sorted(names) == ["access-log-review", "guest-cart-expiry", "marketing-consent-notice", "payment-recovery",
                             "pending-withdrawals", "quarterly-audit", "refund-deadlines", "retention-sweep",
                             "statistics-nightly"]
    for entry in schedule.entries(app):
        assert len(entry.cron.split()) == 5


def test_run_recurring_runs_the_named_entry_and_refuses_an_unknown_one(app):
    ran = []

    @job
    def probe_entry():
        ran.append(True)
        return "ran"

    schedule.add(app, schedule.Recurring("probe-by-name", probe_entry, "0 * * * *"))
    with app.app_context():
        assert schedule.run_recurring("probe-by-name") == "ran"
        with pytest.raises(LookupError, match="not in this app's schedule"):
            schedule.run_recurring("no-such-duty")
    assert ran == [True]


def test_a_recurring_entry_that_is_not_a_job_fails_loudly(app):
    with pytest.raises(ValueError, match="not a @job"):
        schedule.add(app, schedule.Recurring("broken", print, "0 * * * *"))
    with pytest.raises(ValueError, match="invalid cron"):
        schedule.add(app, schedule.Recurring("broken", schedule.entries(app)[0].func, "0 21 31 2 * *x"))


def test_two_processes_sharing_a_database_run_an_occurrence_once(app):
    """Embedded mode with several web processes: the claim is a row, not process memory."""
    from sentem import create_app
    from tests.conftest import base_config

    cfg = base_config(app.config["SENTEM_INSTANCE_PATH"])
    for name in ("SQLALCHEMY_DATABASE_URI", "SENTEM_ARCHIVE_DATABASE_URL", "SENTEM_KEYSTORE_DATABASE_URL"):
        cfg[name] = app.config[name]
    other = create_app(cfg)
    calls = []

    class Counting(schedule.Recurring):
        def resolve(self):
            return lambda: calls.append(clock.now())

    daily = Counting("probe-daily", "sentem.jobs.probe:probe_job", "0 1 * * *")
    db.session.commit()
    assert inprocess.run_due(app, [daily]) == []
    clock.advance(days=1)
    assert inprocess.run_due(other, [daily]) == ["probe-daily"]
    assert inprocess.run_due(app, [daily]) == []
    assert len(calls) == 1


def test_worker_command_explains_the_embedded_mode(app, runner):
    app.config["SENTEM_REDIS_URL"] = None
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0
    assert "SENTEM_REDIS_URL is not set" in result.output


def test_a_job_runs_on_the_app_its_worker_serves_and_refuses_to_guess(app):
    """Outside an app context a job runs on the app ``flask worker`` handed over (``serve``);
    with none it fails loudly instead of building an app of its own."""
    import threading

    from sentem import jobs

    outcome = {}

    def in_a_bare_thread():  # no app context here, as in a worker's job loop
        try:
            outcome["result"] = probe_job("served")
        except RuntimeError as exc:
            outcome["error"] = str(exc)

    previous = jobs._worker_app
    try:
        jobs.serve(None)
        thread = threading.Thread(target=in_a_bare_thread)
        thread.start()
        thread.join()
        assert "flask worker" in outcome.pop("error")
        db.session.commit()
        jobs.serve(app)
        thread = threading.Thread(target=in_a_bare_thread)
        thread.start()
        thread.join()
        assert outcome == {"result": PREFIX + "served"}
        assert _stamp("served") == clock.now()
    finally:
        jobs.serve(previous)
