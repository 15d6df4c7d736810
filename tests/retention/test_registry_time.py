"""The registry owns time: one calendar rule (29 February), one cut-off, no copies elsewhere."""
from __future__ import annotations

import datetime as dt
import pathlib
import re

from sentem import clock
from sentem.privacy.registry import REGISTRY, Retention

UTC = dt.timezone.utc
SENTEM = pathlib.Path(__file__).resolve().parents[2] / "sentem"


def test_add_years_on_29_february():
    assert clock.add_years(dt.date(2028, 2, 29), 5) == dt.date(2033, 2, 28)
    assert clock.add_years(dt.date(2028, 2, 29), -4) == dt.date(2024, 2, 29)
    assert clock.add_years(dt.datetime(2028, 2, 29, 15, tzinfo=UTC), -3) == dt.datetime(2025, 2, 28, 15, tzinfo=UTC)
    assert clock.add_years(dt.date(2027, 3, 1), 1) == dt.date(2028, 3, 1)


def test_cutoff_and_until_are_one_count():
    five = Retention(years=5, starts="transaction")
    as_of = dt.datetime(2031, 6, 1, 3, tzinfo=UTC)
    assert five.cutoff(as_of) == dt.datetime(2026, 6, 1, 3, tzinfo=UTC)
    assert five.until(five.cutoff(as_of)) == as_of
    assert Retention(days=90).cutoff(as_of) == as_of - dt.timedelta(days=90)
    assert Retention(years=1, days=1).until(dt.datetime(2027, 2, 28, tzinfo=UTC)) == dt.datetime(2028, 2, 29, tzinfo=UTC)
    assert Retention().cutoff(as_of) is None and Retention().until(as_of) is None


def test_a_record_never_expires_before_its_until_nor_much_after():
    periods = [Retention(years=1), Retention(years=3), Retention(years=5), Retention(days=30), Retention(years=2, days=7)]
    starts = [dt.datetime(2024, 2, 29, 12, tzinfo=UTC), dt.datetime(2024, 2, 28, 23, tzinfo=UTC),
              dt.datetime(2023, 3, 1, tzinfo=UTC), dt.datetime(2026, 12, 31, 15, tzinfo=UTC)]
    for period in periods:
        for start in starts:
            until = period.until(start)
            for as_of in (until - dt.timedelta(days=1), until - dt.timedelta(seconds=1), until,
                          until + dt.timedelta(seconds=1), until + dt.timedelta(days=1, seconds=1)):
                expired = start < period.cutoff(as_of)
                if expired:
                    assert until <= as_of, (period, start, as_of)
            # Late by at most a day (29 February), well inside the 5-day destruction deadline.
            assert start < period.cutoff(until + dt.timedelta(days=1, seconds=1)), (period, start)


def test_every_expiring_class_gets_its_own_cutoff_from_the_registry(app):
    from sentem.privacy.retention import expiry

    as_of = dt.datetime(2031, 1, 1, tzinfo=UTC)
    seen = {}

    def recorder(key):
        def expire(cutoff, held, batch_size):
            seen[key] = (cutoff, held)
            return 0
        return expire

    saved = {rc.key: rc.expire for rc in expiry.expirable()}
    try:
        for rc in expiry.expirable():
            rc.expire = recorder(rc.key)  # what the engine hands each class, nothing deleted
            expiry.expire_batch(rc, as_of, 10)
    finally:
        for rc in expiry.expirable():
            rc.expire = saved[rc.key]
    assert seen["orders"][0] == dt.datetime(2026, 1, 1, tzinfo=UTC)
    assert seen["staff_access_log"][0] == dt.datetime(2029, 1, 1, tzinfo=UTC)
    assert seen["complaint_record"][0] == dt.datetime(2028, 1, 1, tzinfo=UTC)
    for key, (cutoff, held) in seen.items():
        assert cutoff == REGISTRY.record_class(key).retention.cutoff(as_of) and held == frozenset()


def test_no_year_arithmetic_outside_the_clock():
    # The 29-February rule lives in clock.add_years only; features ask the registry.
    pattern = re.compile(r"replace\(\s*year\s*=|_years_before|day\s*=\s*28\b")
    offenders = [f"{p.relative_to(SENTEM)}:{n}" for p in SENTEM.rglob("*.py") if p.name != "clock.py"
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert offenders == []
