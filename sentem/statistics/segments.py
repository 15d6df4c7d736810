"""Segments for campaigns: age band, region, purchased category, last visit.

A segment narrows a campaign's lawful audience (``support.marketing.audience``, which
keeps its own rules: consent for the channel, active, verified, not suspended, night
SMS). It matches only members the last statistics run counted — those whose consent
and suspension state allowed it — by their pseudonymised profile: the member ids of
the audience are pseudonymised with this year's key and looked up, so a member who
suspended processing or withdrew consent is in no segment after the next run. An
empty segment matches everyone the audience holds (the campaign as before).

Sizes shown to staff go through ``suppression.audience`` (k = 5, with the neighbouring
counts: the audience without filters, and with each one filter dropped).
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass

from sqlalchemy import select

from .. import clock
from ..extensions import db
from . import pseudonyms, subjects, suppression
from .models import StatProfile

VISIT_WINDOWS = (7, 30, 90, 365)  # "visited within the last N days"
FIELDS = ("age_band", "region", "category_id", "visited_days")
_CHUNK = 500


class SegmentError(ValueError):
    """A filter value that is not offered; ``errors`` maps field names to Korean messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Segment:
    """Filters of a campaign audience; None means "any"."""

    age_band: str | None = None
    region: str | None = None
    category_id: int | None = None
    visited_days: int | None = None

    @property
    def empty(self) -> bool:
        """No filter at all: the whole lawful audience."""
        return all(getattr(self, f) is None for f in FIELDS)

    def to_text(self) -> str | None:
        """How a campaign stores it (``age_band=30대;region=서울``), None when empty."""
        parts = [f"{f}={getattr(self, f)}" for f in FIELDS if getattr(self, f) is not None]
        return ";".join(parts) or None

    def without(self, field: str) -> Segment:
        """The same segment with ``field`` dropped (a neighbouring count for suppression)."""
        return dataclasses.replace(self, **{field: None})

    def active_fields(self) -> list[str]:
        """The fields this segment filters on."""
        return [f for f in FIELDS if getattr(self, f) is not None]


def parse(data: dict, category_ids: set[int] | None = None) -> Segment:
    """A segment from form values ('' = any); raises ``SegmentError`` on a value not offered."""
    errors, values = {}, {}
    band = (data.get("age_band") or "").strip() or None
    if band is not None and band not in subjects.AGE_BANDS:
        errors["age_band"] = "연령대를 목록에서 골라 주세요."
    values["age_band"] = band
    region = (data.get("region") or "").strip() or None
    if region is not None and region not in subjects.REGION_NAMES:
        errors["region"] = "지역을 목록에서 골라 주세요."
    values["region"] = region
    for field, allowed, message in (("category_id", category_ids, "구매 분류를 목록에서 골라 주세요."),
                                    ("visited_days", set(VISIT_WINDOWS), "최근 방문 기간을 목록에서 골라 주세요.")):
        raw = str(data.get(field) or "").strip()
        if not raw:
            values[field] = None
            continue
        try:
            values[field] = int(raw)
        except ValueError:
            values[field] = None
            errors[field] = message
            continue
        if allowed is not None and values[field] not in allowed:
            errors[field] = message
    if errors:
        raise SegmentError(errors)
    return Segment(**values)


def from_text(text: str | None) -> Segment:
    """The segment a campaign stored (see ``Segment.to_text``)."""
    values: dict = {}
    for part in (text or "").split(";"):
        field, _, value = part.partition("=")
        if field in ("age_band", "region"):
            values[field] = value
        elif field in ("category_id", "visited_days"):
            values[field] = int(value)
    return Segment(**values)


def matching(segment: Segment, member_ids) -> set[int]:
    """Those of ``member_ids`` whose pseudonymised profile matches ``segment``."""
    ids = sorted(set(member_ids))
    if segment.empty:
        return set(ids)
    raw = pseudonyms.key()
    if raw is None:
        return set()  # nothing built yet: nobody is known to match
    by_pseudonym = {pseudonyms.pseudonym(raw, mid): mid for mid in ids}
    conditions = []
    if segment.age_band is not None:
        conditions.append(StatProfile.age_band == segment.age_band)
    if segment.region is not None:
        conditions.append(StatProfile.region == segment.region)
    if segment.category_id is not None:
        conditions.append(StatProfile.categories.contains(f",{int(segment.category_id)},"))
    if segment.visited_days is not None:
        since = clock.today() - _dt.timedelta(days=segment.visited_days)
        conditions.append(StatProfile.last_visit_on >= since)
    keys = sorted(by_pseudonym)
    found: set[int] = set()
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        found.update(by_pseudonym[p] for p in db.session.execute(
            select(StatProfile.pseudonym).where(StatProfile.pseudonym.in_(chunk), *conditions)).scalars())
    return found


def audience_size(segment: Segment, reachable) -> suppression.Cell:
    """How many of the ``reachable`` member ids the segment keeps, as staff may see it."""
    reachable = set(reachable)
    n = len(matching(segment, reachable))
    neighbours = [len(reachable)] + [len(matching(segment.without(f), reachable)) for f in segment.active_fields()]
    return suppression.audience(n, neighbours)
