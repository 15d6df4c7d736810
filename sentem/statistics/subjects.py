"""Who the statistics may count, and what of them: the member-level input, pseudonymised.

Counted are the members who are active (not withdrawn, not withdrawing), whose
marketing consent (email or SMS, the legal basis the registry declares) is current in
the consent ledger, and who have not suspended processing for statistics
(``privacy.suspension``). Everyone else is left out with the first reason that applies:
``inactive``, ``no_consent``, ``suspended``; all of it is decided in SQL. Birth date and
address are decrypted only for counted members (and, by the job, only for those whose
profile is new, changed or due for a birthday), through the privacy core's members port,
and leave this module as an age band (with the month it changes next) and a 시/도 — never
as a date or an address.
"""
from __future__ import annotations

import datetime as _dt
import re

from sqlalchemy import case, func, insert, literal, null, select, union_all

from .. import clock
from ..accounts import services as accounts
from ..extensions import db
from ..privacy import consent, members, suspension
from ..privacy.registry import REGISTRY
from . import sqlfns, staging

REASONS = ("inactive", "no_consent", "suspended")
CHANNELS = ("email", "sms")  # the marketing consents that are the statistics' legal basis
UNKNOWN = "미입력"
OTHER_REGION = "기타"
AGE_BANDS = ("10대 미만", "10대", "20대", "30대", "40대", "50대", "60대", "70대 이상", UNKNOWN)
# 시/도: (short name, prefixes an address may start with). Old and new official names both count.
REGIONS = (
    ("서울", ("서울",)), ("부산", ("부산",)), ("대구", ("대구",)), ("인천", ("인천",)), ("광주", ("광주",)),
    ("대전", ("대전",)), ("울산", ("울산",)), ("세종", ("세종",)), ("경기", ("경기",)),
    ("강원", ("강원",)), ("충북", ("충북", "충청북도")), ("충남", ("충남", "충청남도")),
    ("전북", ("전북", "전라북도")), ("전남", ("전남", "전라남도")), ("경북", ("경북", "경상북도")),
    ("경남", ("경남", "경상남도")), ("제주", ("제주",)),
)
REGION_NAMES = tuple(name for name, _ in REGIONS) + (OTHER_REGION, UNKNOWN)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def marketing_kinds() -> list[str]:
    """Ledger kinds of the marketing consents (email, SMS) from the registry."""
    return [consent.kind_for(c.key) for c in REGISTRY.consents.values() if c.channel in CHANNELS]


def classify(raw_key: bytes, old_key: bytes | None, changed_since: _dt.datetime | None) -> dict[str, int]:
    """Stage every member in ``staging.LINK`` with their pseudonym under ``raw_key`` (and under
    ``old_key``, the previous run's, when there is one), the reason they are left out
    (None: counted), their signup month and whether their birth date or address changed at or
    after ``changed_since``; returns how many were left out for each reason.

    One INSERT … SELECT: the ledger's and the suspension module's own SELECTs decide, and the
    pseudonyms are computed, inside the database — no member passes through Python.
    """
    kinds = marketing_kinds()
    granted = union_all(*(consent.granted_ids(k) for k in kinds)) if len(kinds) > 1 else consent.granted_ids(kinds[0])
    m = accounts.statistics_members().subquery()
    # Outer joins on the distinct id lists, not ``id IN (subquery)`` in the select list: PostgreSQL
    # runs that as a per-row subplan once the list outgrows work_mem (at 1M members it did not
    # finish in 15 minutes); a join is hashed in batches whatever the size.
    agreed = _distinct_ids(granted, "agreed")
    stopped = _distinct_ids(suspension.suspended_ids(suspension.STATISTICS), "stopped")
    reason = case((m.c.status != "active", literal("inactive")), (agreed.c.id.is_(None), literal("no_consent")),
                  (stopped.c.id.is_not(None), literal("suspended")), else_=null())
    changed = literal(False) if changed_since is None else \
        case((m.c.profile_changed_at >= changed_since, True), else_=False)
    with sqlfns.pseudonym_sql(raw_key) as pseudonym_of, \
            sqlfns.pseudonym_sql(old_key or raw_key, "stat_old_pseudonym") as old_pseudonym_of:
        old_pseudonym = old_pseudonym_of(m.c.id) if old_key is not None else null()
        db.session.execute(insert(staging.LINK).from_select(
            ["member_id", "pseudonym", "old_pseudonym", "reason", "signup_month", "changed"],
            select(m.c.id, pseudonym_of(m.c.id), old_pseudonym, reason, sqlfns.kst_month(m.c.created_at), changed)
            .select_from(m.outerjoin(agreed, agreed.c.id == m.c.id).outerjoin(stopped, stopped.c.id == m.c.id))))
    staging.describe()
    counts = dict(db.session.execute(select(staging.LINK.c.reason, func.count()).group_by(staging.LINK.c.reason)).all())
    return {r: counts.get(r, 0) for r in REASONS}


def _distinct_ids(ids_select, name: str):
    """``ids_select`` (one column of member ids, maybe repeated) as a subquery of distinct ``id``."""
    inner = ids_select.subquery()
    return select(inner.c[0].label("id")).distinct().subquery(name)


def demographics(member_ids: list[int], today: _dt.date | None = None) -> dict[int, tuple[str, str | None, str]]:
    """{member id: (age band, month it changes next, region)} of the active members among
    ``member_ids``, decrypted through the members port."""
    today = today or clock.today()
    values = members.profile_values(member_ids, ("birth_date", "address1"))
    return {mid: (*band_and_recheck(v.get("birth_date"), today), region(v.get("address1")))
            for mid, v in values.items()}


def _born(birth_date: str | None) -> _dt.date | None:
    m = _DATE.match((birth_date or "").strip())
    if not m:
        return None
    try:
        return _dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def age_band(birth_date: str | None, today: _dt.date) -> str:
    """The 10-year band of the age on ``today`` ("30대"); ``UNKNOWN`` when absent or malformed."""
    return band_and_recheck(birth_date, today)[0]


def band_and_recheck(birth_date: str | None, today: _dt.date) -> tuple[str, str | None]:
    """(age band on ``today``, 'YYYY-MM' of the birthday that changes it next, or None if none will).

    Only the month is kept: the job decrypts the member again every night of that month until
    the birthday has passed, so the band turns on the day without the day being stored.
    """
    born = _born(birth_date)
    if born is None:
        return UNKNOWN, None
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < 0:
        return UNKNOWN, f"{born.year:04d}-{born.month:02d}"
    if age >= 70:
        return AGE_BANDS[7], None
    turns = age // 10 * 10 + 10
    band = AGE_BANDS[0] if age < 10 else f"{age // 10 * 10}대"
    return band, f"{born.year + turns:04d}-{born.month:02d}"


def region(address: str | None) -> str:
    """The 시/도 an address starts with (short name), ``OTHER_REGION`` or ``UNKNOWN``."""
    text = (address or "").strip()
    if not text:
        return UNKNOWN
    for name, prefixes in REGIONS:
        if text.startswith(prefixes):
            return name
    return OTHER_REGION
