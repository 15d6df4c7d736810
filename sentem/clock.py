"""The only source of "now" in Sentem.

Every date that decides a duty (consent, retention, deadlines) comes from here, so
tests move the clock instead of sleeping and the CLI's ``--as-of`` can run a day's
duties for any date.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import functools
from zoneinfo import ZoneInfo

import holidays as _holidays

UTC = _dt.timezone.utc
KST = ZoneInfo("Asia/Seoul")
# The days the shop accepts from anyone: far enough for any birth date, effective date or
# log filter, near enough that a day's KST start and the day after stay inside what
# ``datetime`` can represent (``sentem.inputs`` bounds request dates with them).
DATE_MIN = _dt.date(1900, 1, 1)
DATE_MAX = _dt.date(2999, 12, 31)

_frozen: _dt.datetime | None = None


def now() -> _dt.datetime:
    """Current time, timezone-aware UTC (or the frozen instant)."""
    return _frozen if _frozen is not None else _dt.datetime.now(UTC)


def today() -> _dt.date:
    """Today's date in Korea, where the shop's days and deadlines are counted."""
    return now().astimezone(KST).date()


def freeze(at: _dt.datetime | _dt.date | str) -> _dt.datetime:
    """Stop the clock at ``at`` (a date means 00:00 KST of that day)."""
    global _frozen
    _frozen = _coerce(at)
    return _frozen


def advance(**delta) -> _dt.datetime:
    """Move a frozen clock forward by ``timedelta(**delta)``."""
    global _frozen
    if _frozen is None:
        raise RuntimeError("advance() needs a frozen clock")
    _frozen = _frozen + _dt.timedelta(**delta)
    return _frozen


def unfreeze() -> None:
    """Let the clock run with real time again."""
    global _frozen
    _frozen = None


def is_frozen() -> bool:
    return _frozen is not None


@contextlib.contextmanager
def frozen_at(at):
    """Run a block at a fixed instant, restoring the previous state after."""
    global _frozen
    previous = _frozen
    freeze(at)
    try:
        yield _frozen
    finally:
        _frozen = previous


def start_of_day(day: _dt.date) -> _dt.datetime:
    """00:00 KST of ``day`` as an aware UTC datetime."""
    return _dt.datetime.combine(day, _dt.time(), KST).astimezone(UTC)


def as_utc(value: _dt.datetime | None) -> _dt.datetime | None:
    """Treat naive datetimes (as SQLite returns them) as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_kst(value: _dt.datetime | None) -> _dt.datetime | None:
    """For display: the same instant in Korean time."""
    value = as_utc(value)
    return value.astimezone(KST) if value else None


_KST_FIXED_FROM = _dt.datetime(1988, 10, 9, 15, 0)  # UTC, naive: Korea's last summer time ended
_KST_OFFSET = _dt.timedelta(hours=9)
_KST_FIXED_FROM_UTC = _KST_FIXED_FROM.replace(tzinfo=UTC)


def kst_minutes(value: _dt.datetime | None) -> str:
    """``YYYY-MM-DD HH:MM`` in Korean time ('' for None): the exports' and records' timestamp,
    without ``strftime`` (it cost a tenth of a 1,000-order export)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        if value < _KST_FIXED_FROM:
            return to_kst(value).strftime("%Y-%m-%d %H:%M")
        return (value + _KST_OFFSET).isoformat(" ", "minutes")
    if value < _KST_FIXED_FROM_UTC:
        return to_kst(value).strftime("%Y-%m-%d %H:%M")
    # An aware value (as the database types return them) formatted from its fields: its
    # ``isoformat`` asks the zone for the offset and dropping the zone is a ``replace``, each
    # costing more than this (8,000 timestamps in a 1,000-order export).
    k = value.astimezone(UTC) + _KST_OFFSET
    return "%04d-%02d-%02d %02d:%02d" % (k.year, k.month, k.day, k.hour, k.minute)  # noqa: UP031 (half an f-string's cost)


def add_years(when: _dt.date | _dt.datetime, years: int):
    """``when`` moved by ``years`` calendar years (negative: back); 29 February becomes 28 February.

    The one place for this arithmetic: retention periods, cut-offs and anniversaries all use it.
    """
    try:
        return when.replace(year=when.year + years)
    except ValueError:  # 29 February in a year that has none
        return when.replace(year=when.year + years, day=28)


@functools.lru_cache(maxsize=64)
def _kr_holidays(year: int) -> frozenset[_dt.date]:
    # The ``holidays`` package's Korean calendar: 설날, 추석, election days and substitute holidays.
    return frozenset(_holidays.country_holidays("KR", years=year))


def is_business_day(day: _dt.date) -> bool:
    """A Korean business day: Monday to Friday and not a public or substitute holiday."""
    return day.weekday() < 5 and day not in _kr_holidays(day.year)


def add_business_days(day: _dt.date, n: int) -> _dt.date:
    """The ``n``-th business day after ``day`` (weekends and Korean public holidays skipped)."""
    while n > 0:
        day += _dt.timedelta(days=1)
        if is_business_day(day):
            n -= 1
    return day


def business_day_on_or_after(day: _dt.date) -> _dt.date:
    """``day`` itself if it is a business day, else the next one (민법 제161조: a period whose
    last day is a Saturday or a public holiday ends on the following day)."""
    while not is_business_day(day):
        day += _dt.timedelta(days=1)
    return day


def _coerce(at) -> _dt.datetime:
    if isinstance(at, str):
        at = _dt.date.fromisoformat(at) if len(at) == 10 else _dt.datetime.fromisoformat(at)
    if isinstance(at, _dt.datetime):
        return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    if isinstance(at, _dt.date):
        return start_of_day(at)
    raise TypeError(f"cannot freeze the clock at {at!r}")
