"""The anomaly checks of the monthly access-log review (월 1회 점검).

Each check reads one month of the access log (KST month) and returns findings:
``{"kind", "severity", "staff_id", "count", "detail"}``. Thresholds are deliberately
simple and stated in the findings so the reviewer can judge them.
"""
from __future__ import annotations

import datetime as _dt
import statistics
from collections import Counter, defaultdict

from sqlalchemy import select

from .. import clock
from ..extensions import db
from . import members
from .access_log import AccessLogEntry

PERSONAL_ACTIONS_PREFIXES = ("members.", "unmask", "download", "orders.", "shipping.", "rights.",
                             "inquiries.", "inquiry.", "archive.")
VOLUME_FLOOR = 50  # below this many personal-data accesses a month, volume is never unusual
VOLUME_FACTOR = 3  # unusual: more than 3 × the median of all staff
BURST_COUNT = 10  # unmasks by one staff member…
BURST_WINDOW = _dt.timedelta(minutes=60)  # …within an hour
OFF_HOURS = (22, 7)  # KST 22:00–07:00, and all of Saturday and Sunday


def month_bounds(month: str) -> tuple[_dt.datetime, _dt.datetime]:
    """UTC instants of the first moment of ``YYYY-MM`` (KST) and of the next month."""
    year, mon = (int(x) for x in month.split("-"))
    start = _dt.date(year, mon, 1)
    end = _dt.date(year + (mon == 12), mon % 12 + 1, 1)
    return clock.start_of_day(start), clock.start_of_day(end)


def _entries(start, end) -> list[AccessLogEntry]:
    return list(db.session.execute(select(AccessLogEntry).where(AccessLogEntry.at >= start, AccessLogEntry.at < end)
                                   .order_by(AccessLogEntry.seq)).scalars())


def _is_personal(e: AccessLogEntry) -> bool:
    return e.member_id is not None or e.action.startswith(PERSONAL_ACTIONS_PREFIXES)


def is_off_hours(at: _dt.datetime) -> bool:
    local = clock.to_kst(at)
    return local.weekday() >= 5 or local.hour >= OFF_HOURS[0] or local.hour < OFF_HOURS[1]


def check_volume(entries) -> list[dict]:
    counts = Counter(e.staff_id for e in entries if e.staff_id is not None and _is_personal(e))
    if not counts:
        return []
    median = statistics.median(counts.values())
    limit = max(VOLUME_FLOOR, VOLUME_FACTOR * median)
    return [{"kind": "volume", "severity": "high", "staff_id": sid, "count": n,
             "detail": f"개인정보 접근 {n}건 (기준 {int(limit)}건 초과, 전체 중앙값 {median:g}건)"}
            for sid, n in sorted(counts.items()) if n > limit]


def check_off_hours(entries) -> list[dict]:
    counts = Counter(e.staff_id for e in entries if e.staff_id is not None and is_off_hours(e.at))
    return [{"kind": "off_hours", "severity": "medium", "staff_id": sid, "count": n,
             "detail": f"평일 22:00~07:00 또는 주말 접속 {n}건"} for sid, n in sorted(counts.items())]


def check_downloads(entries) -> list[dict]:
    return [{"kind": "download", "severity": "info", "staff_id": e.staff_id, "count": 1,
             "detail": f"{clock.to_kst(e.at):%m-%d %H:%M} {e.detail or ''} (사유: {e.reason or '-'})"}
            for e in entries if e.action == "download"]


def check_unmask_bursts(entries) -> list[dict]:
    by_staff = defaultdict(list)
    for e in entries:
        if e.action == "unmask" and e.staff_id is not None:
            by_staff[e.staff_id].append(clock.as_utc(e.at))
    out = []
    for sid, times in sorted(by_staff.items()):
        best, lo = 0, 0
        for hi, t in enumerate(times):
            while t - times[lo] > BURST_WINDOW:
                lo += 1
            best = max(best, hi - lo + 1)
        if best >= BURST_COUNT:
            out.append({"kind": "unmask_burst", "severity": "high", "staff_id": sid, "count": best,
                        "detail": f"1시간 안에 마스킹 해제 {best}건 (기준 {BURST_COUNT}건)"})
    return out


def check_withdrawn_access(entries) -> list[dict]:
    """Access to records of members who withdrew (or whose records are gone) and to the archive."""
    gone_ids = members.withdrawn_ids({e.member_id for e in entries if e.member_id is not None})
    counts = Counter()
    for e in entries:
        if e.staff_id is None:
            continue
        if e.member_id in gone_ids or e.action.startswith("archive."):
            counts[e.staff_id] += 1
    return [{"kind": "withdrawn_access", "severity": "high", "staff_id": sid, "count": n,
             "detail": f"탈퇴 회원·분리보관 기록 접근 {n}건"} for sid, n in sorted(counts.items())]


CHECKS = (check_volume, check_off_hours, check_downloads, check_unmask_bursts, check_withdrawn_access)


def findings_for(month: str) -> tuple[list[dict], int]:
    """All findings of ``YYYY-MM`` and the number of log entries examined."""
    start, end = month_bounds(month)
    entries = _entries(start, end)
    findings: list[dict] = []
    for check in CHECKS:
        findings.extend(check(entries))
    return findings, len(entries)
