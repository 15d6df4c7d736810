"""Withdrawals ask for an early sweep: one queued sweep serves every withdrawal made while it
waits (a fixed RQ job id, enqueued atomically), on a real Redis and a real RQ worker."""
from __future__ import annotations

import pytest
from redis import Redis
from rq import Queue
from rq.job import JobStatus
from sqlalchemy import select

from sentem.extensions import db
from sentem.jobs import QUEUE
from sentem.myinfo import withdrawal
from sentem.privacy.retention.models import Duty
from sentem.privacy.retention.services import EARLY_SWEEP
from tests.builders import PASSWORD, make_member
from tests.redis_server import redis_server  # noqa: F401  (fixture)


@pytest.fixture
def app_config(redis_server):  # noqa: F811
    return {"SENTEM_REDIS_URL": redis_server.url}


@pytest.fixture
def queue(app):
    return Queue(QUEUE, connection=Redis.from_url(app.config["SENTEM_REDIS_URL"]))


def _withdraw(n: int = 0, members=()) -> None:
    for member in [*members, *(make_member() for _ in range(n))]:
        assert withdrawal.withdraw(member, PASSWORD, "yes") == "withdrawn"


def _statuses() -> list[str]:
    return db.session.execute(select(Duty.status).filter_by(kind="withdrawal")).scalars().all()


def test_a_hundred_withdrawals_queue_one_sweep(app, queue, run_jobs):
    later = make_member()  # signed up now (SQLite would give a later signup a destroyed member's id)
    _withdraw(100)
    assert queue.job_ids == [f"{EARLY_SWEEP}-a"]
    assert run_jobs() == 1
    db.session.expire_all()
    assert _statuses() == ["done"] * 100  # the one sweep did every duty
    assert queue.count == 0
    _withdraw(members=[later])  # the sweep is over: the next withdrawal asks again
    assert queue.job_ids == [f"{EARLY_SWEEP}-a"]


def test_a_withdrawal_during_a_running_sweep_queues_one_more(app, queue, run_jobs):
    later = make_member()
    _withdraw(3)
    running = Queue.dequeue_any([queue], None, connection=queue.connection)[0]
    running.set_status(JobStatus.STARTED)  # a worker took it and is sweeping
    _withdraw(5)  # these may come after the running sweep read its work
    assert queue.job_ids == [f"{EARLY_SWEEP}-b"]
    running.delete()  # that sweep finished (result_ttl=0 frees its id)
    assert run_jobs() == 1
    db.session.expire_all()
    assert _statuses() == ["done"] * 8
    _withdraw(members=[later])
    assert queue.job_ids == [f"{EARLY_SWEEP}-a"]
