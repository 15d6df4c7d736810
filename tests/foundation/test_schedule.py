"""The recurring duties keep their cadence: every schedule entry walked over two calendar years
with croniter, the jobs run at each occurrence, and both schedulers agree on the times."""
from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from croniter import croniter
from sqlalchemy import select

from sentem import clock, create_app
from sentem.extensions import db
from sentem.jobs import QUEUE, inprocess, schedule, worker

START = clock.start_of_day(dt.date(2027, 1, 1))  # 2027-01-01 00:00 KST
END = clock.start_of_day(dt.date(2029, 1, 1))  # two calendar years (2028 is a leap year)
DAYS = [dt.date(2027, 1, 1) + dt.timedelta(days=n) for n in range((dt.date(2029, 1, 1) - dt.date(2027, 1, 1)).days)]
SECOND = dt.timedelta(seconds=1)
ENTRIES: dict[str, schedule.Recurring] = {}  # the app's table, filled once per module
# What each entry must do; a new entry without a cadence here fails the first test.
CADENCE = {
    "quarterly-audit": "once a quarter", "access-log-review": "once a month", "retention-sweep": "at least daily",
    "marketing-consent-notice": "once a day", "pending-withdrawals": "at least hourly",
    "refund-deadlines": "at least hourly", "payment-recovery": "every 5 minutes",
    "statistics-nightly": "once a day", "guest-cart-expiry": "at least hourly",
}


@pytest.fixture(scope="module", autouse=True)
def table(tmp_path_factory):
    """The schedule an app builds from its packages' ``init_app`` (what both schedulers read)."""
    from tests.conftest import base_config

    built = create_app(base_config(str(tmp_path_factory.mktemp("schedule"))))
    ENTRIES.update({r.name: r for r in schedule.entries(built)})
    yield ENTRIES
    ENTRIES.clear()


def fires(name: str, start: dt.datetime = START, end: dt.datetime = END, limit: int | None = None) -> list[dt.datetime]:
    """The occurrences of entry ``name`` in [start, end) (the first ``limit``), as aware UTC instants."""
    it = croniter(ENTRIES[name].cron, start - SECOND)
    out = []
    while (limit is None or len(out) < limit) and (at := it.get_next(dt.datetime)) < end:
        out.append(at)
    return out


def next_fire(name: str, at: dt.datetime) -> dt.datetime:
    """The first occurrence of entry ``name`` at or after ``at``."""
    return croniter(ENTRIES[name].cron, at - SECOND).get_next(dt.datetime)


def _kst(at: dt.datetime) -> dt.datetime:
    return at.astimezone(clock.KST)


def test_every_entry_has_a_cadence_and_a_utc_crontab():
    assert set(CADENCE) == set(ENTRIES)
    for entry in ENTRIES.values():
        assert croniter.is_valid(entry.cron), entry.name
        assert next_fire(entry.name, START).tzinfo is not None  # croniter answers in the start's zone (UTC)


def test_statistics_run_once_a_night_in_korea():
    times = fires("statistics-nightly", limit=3)
    assert [_kst(t).strftime("%H:%M") for t in times] == ["03:30"] * 3
    assert [(b - a) for a, b in zip(times, times[1:])] == [dt.timedelta(days=1)] * 2


def test_quarterly_audit_fires_once_a_quarter_and_reports_the_quarter_just_ended(app):
    from sentem.privacy.audit import quarterly_report_job
    from sentem.privacy.audit_models import AuditReport

    times = fires("quarterly-audit")
    assert len(times) == 8
    assert [(_kst(t).month, _kst(t).day) for t in times] == [(1, 1), (4, 1), (7, 1), (10, 1)] * 2
    reported = []
    for at in times:
        with clock.frozen_at(at):
            report = db.session.get(AuditReport, quarterly_report_job())
            reported.append(report.quarter)
    assert reported == ["2026Q4", "2027Q1", "2027Q2", "2027Q3", "2027Q4", "2028Q1", "2028Q2", "2028Q3"]
    assert sorted(db.session.execute(select(AuditReport.quarter)).scalars()) == reported


def test_access_log_review_opens_every_month_for_the_month_before(app):
    from sentem.privacy.access_review import MonthlyReview, open_monthly_review_job

    times = fires("access-log-review")
    assert len(times) == 24 and [_kst(t).day for t in times] == [1] * 24
    assert sorted({(_kst(t).year, _kst(t).month) for t in times}) == [(y, m) for y in (2027, 2028) for m in range(1, 13)]
    for at in times:
        with clock.frozen_at(at):
            open_monthly_review_job()
    months = sorted(db.session.execute(select(MonthlyReview.month)).scalars())
    assert months == ["2026-12"] + [f"{y}-{m:02d}" for y in (2027, 2028) for m in range(1, 13)][:-1]


def test_retention_sweep_runs_at_least_daily():
    for day in DAYS:
        start = clock.start_of_day(day)
        assert next_fire("retention-sweep", start) < start + dt.timedelta(days=1), day


def test_marketing_consent_notice_runs_once_every_day():
    times = fires("marketing-consent-notice")
    assert [_kst(t).date() for t in times] == DAYS


@pytest.mark.parametrize("name", ["pending-withdrawals", "refund-deadlines"])
def test_pending_withdrawals_and_refund_deadlines_run_at_least_hourly(name):
    it = croniter(ENTRIES[name].cron, START)
    hour = START
    while hour < END:
        assert it.get_next(dt.datetime, start_time=hour - SECOND) < hour + dt.timedelta(hours=1), (name, hour)
        hour += dt.timedelta(hours=1)


def test_payment_recovery_runs_every_five_minutes():
    # A lost payment answer holds the member's goods and stock: minutes, not the next hour.
    times = fires("payment-recovery", end=START + dt.timedelta(days=2))
    assert times[0] == START and len(times) == 2 * 24 * 12
    assert {b - a for a, b in zip(times, times[1:])} == {dt.timedelta(minutes=5)}


def _sample(name: str) -> list[dt.datetime]:
    # The quarterly and monthly entries over the whole two years; the frequent ones' first 30 runs.
    return fires(name) if name in ("quarterly-audit", "access-log-review") else fires(name, limit=30)


def test_in_process_scheduler_runs_each_entry_at_the_tables_times(app):
    for name, entry in ENTRIES.items():
        calls = []
        # The table's name and crontab, with a job that only counts (the cadence is under test).
        counting = schedule.Recurring(name, lambda calls=calls: calls.append(clock.now()), entry.cron)
        with clock.frozen_at(START - SECOND):
            assert inprocess.run_due(app, [counting]) == []  # first sight: registered
        expected = _sample(name)
        for at in expected:
            with clock.frozen_at(at - SECOND):
                assert inprocess.run_due(app, [counting]) == [], (name, at)
            with clock.frozen_at(at):
                assert inprocess.run_due(app, [counting]) == [name], (name, at)
        assert calls == expected


def test_rq_cron_computes_the_same_times_even_on_a_host_set_to_korean_time():
    from rq.cron import CronJob

    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Seoul"
    time.tzset()
    try:
        worker.cron_in_utc()  # what `flask worker`'s cron process does first
        for name, entry in ENTRIES.items():
            job = CronJob(QUEUE, func=entry.func, cron=entry.cron, name=name)
            job.latest_enqueue_time = START - SECOND
            expected, times = _sample(name), []
            for _ in expected:
                job.latest_enqueue_time = job.get_next_enqueue_time()
                times.append(job.latest_enqueue_time)
            assert times == expected, name
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()
