"""``flask retention run|status``, the sweep job and its schedule entry."""
from __future__ import annotations

import base64
import datetime as _dt

import pytest
from sqlalchemy import select

from sentem import clock
from sentem.extensions import db
from sentem.jobs import enqueue, schedule
from sentem.privacy.retention import services
from sentem.privacy.retention.jobs import sweep_job
from sentem.privacy.retention.models import Duty
from tests.builders import make_member
from tests.retention.toy import add_order, rows_of


def _withdrawn(order_no="C-1"):
    m = make_member()
    add_order(m, order_no, "조수령")
    m.status = "withdrawn"
    services.schedule_withdrawal(m.id)
    db.session.commit()
    return m.id


def test_status_lists_upcoming_and_overdue(app, runner, toy):
    _withdrawn()
    res = runner.invoke(args=["retention", "status"])
    assert res.exit_code == 0 and "withdrawal" in res.output and "overdue: 0" in res.output
    clock.advance(days=6)
    res = runner.invoke(args=["retention", "status"])
    assert res.exit_code == 1 and "overdue: 1" in res.output and "! #" in res.output


def test_run_dry_run_then_run_with_summary(app, runner, toy):
    m_id = _withdrawn()
    day = (clock.today() + _dt.timedelta(days=1)).isoformat()
    res = runner.invoke(args=["retention", "run", "--as-of", day, "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "DRY RUN" in res.output and "toy_order" in res.output and len(rows_of(m_id)) == 1
    res = runner.invoke(args=["retention", "run", "--as-of", day])
    assert res.exit_code == 0, res.output
    assert "archive_move" in res.output and "key_shred" in res.output and "duties done: 1" in res.output
    assert rows_of(m_id) == []
    res = runner.invoke(args=["retention", "run", "--as-of", day])
    assert "nothing was due." in res.output


PRODUCTION = {"SENTEM_ENV": "production", "SECRET_KEY": "p" * 48, "SENTEM_TEST_GATEWAY": False,
              "SENTEM_PAYMENT_GATEWAY": "toss", "SENTEM_TOSS_CLIENT_KEY": "live_ck_x", "SENTEM_TOSS_SECRET_KEY": "live_sk_x",
              "SENTEM_MASTER_KEY": base64.urlsafe_b64encode(b"k" * 32).decode()}


@pytest.mark.parametrize("app_config", [PRODUCTION])
def test_a_later_as_of_is_refused_in_production(app, runner, toy):
    assert app.config["SENTEM_ENV"] == "production"
    m_id = _withdrawn()
    today = clock.today()
    later = (today + _dt.timedelta(days=1)).isoformat()
    res = runner.invoke(args=["retention", "run", "--as-of", later])
    assert res.exit_code == 1 and "SENTEM_ENV=production" in res.output and "--dry-run" in res.output
    assert len(rows_of(m_id)) == 1 and clock.today() == today  # nothing destroyed, the clock as it was
    res = runner.invoke(args=["retention", "run", "--as-of", later, "--dry-run"])  # a preview changes nothing
    assert res.exit_code == 0 and "DRY RUN" in res.output and len(rows_of(m_id)) == 1
    now = clock.now()
    res = runner.invoke(args=["retention", "run", "--as-of", today.isoformat()])  # today is not later
    assert res.exit_code == 0, res.output
    clock.freeze(now)  # (the CLI left the clock at 00:00; a real run is a new process)
    res = runner.invoke(args=["retention", "run"])  # and the duty is done on time
    assert res.exit_code == 0 and "key_shred" in res.output and rows_of(m_id) == []


def test_bad_as_of_is_refused(app, runner):
    res = runner.invoke(args=["retention", "run", "--as-of", "2026-13-40"])
    assert res.exit_code == 2 and "as-of" in res.output.lower()


def test_sweep_job_on_the_schedule_and_runs(app, toy):
    entry = {e.name: e for e in schedule.entries(app)}["retention-sweep"]
    assert entry.resolve() is sweep_job
    m_id = _withdrawn("J-1")
    result = sweep_job()
    assert result["duties_done"] == 1 and rows_of(m_id) == []
    assert db.session.execute(select(Duty.status).filter_by(kind="withdrawal")).scalar() == "done"


def test_sweep_job_through_the_queue(app, toy):
    """In-process without Redis; on RQ (a burst worker) when the suite has Redis."""
    redis_url = app.config["SENTEM_REDIS_URL"]
    if redis_url:
        from redis import Redis
        from rq import Queue, SimpleWorker

        from sentem.jobs import QUEUE

        conn = Redis.from_url(redis_url)
        queue = Queue(QUEUE, connection=conn)
        queue.empty()  # jobs other tests left behind
    m_id = _withdrawn("J-2")  # with Redis, the commit also asks the queue for a sweep
    job = enqueue(sweep_job)
    if redis_url:
        assert queue.count >= 2
        db.session.remove()
        SimpleWorker([queue], connection=conn).work(burst=True)
        job.refresh()
        assert job.is_finished, job.exc_info
        assert "counts" in job.return_value()
    else:
        assert job["duties_done"] == 1
    assert rows_of(m_id) == []
    assert db.session.execute(select(Duty.status).filter_by(kind="withdrawal")).scalar() == "done"


def test_run_with_the_archive_unreachable_prints_only_the_failure(app, runner, toy, tmp_path):
    from sqlalchemy import create_engine

    m_id = _withdrawn("U-1")
    engines = db.engines
    real = engines["archive"]
    engines["archive"] = create_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'archive.db'}")  # cannot open
    try:
        res = runner.invoke(args=["retention", "run"])
    finally:
        engines["archive"].dispose()
        engines["archive"] = real
    assert res.exit_code == 1
    assert "error: archive: OperationalError" in res.output, res.output
    assert "nothing was due" not in res.output and "duties done" not in res.output
    assert len(rows_of(m_id)) == 1  # nothing deleted while the archive was away
