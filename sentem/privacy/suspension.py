"""Suspension of processing (처리정지, PIPA Art. 37): the one place that says whose data may be used.

A member suspends from "my info" either the use of their data for statistics and
recommendations (``STATISTICS``) or any processing of their optional profile items
(``OPTIONAL``). Each is a row in the consent ledger (granted=True means "suspended"),
so the latest row of the kind decides, and every reader asks this module:

- staff screens blank a suspended member's optional items (never unmasked either);
- campaign audiences and usage statistics leave out members who suspended statistics;
- lists ask once per page (``suspended_members``), never once per member.

What each kind does *not* stop is deliberate: required items still serve the
contract and member management, and the legal duties (retention, the self-audit,
rights requests, shipping an order already placed) are no "statistics".
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, func, select

from ..extensions import db
from . import consent
from .consent import ConsentEvent
from .registry import REGISTRY

STATISTICS = "suspend_statistics"
OPTIONAL = "suspend_optional"
KINDS = (STATISTICS, OPTIONAL)
# Each kind's label (Korean, English): in the member's consent list, the ledger and staff screens.
LABELS = {
    STATISTICS: ("이용 통계·맞춤 광고", "Usage statistics and tailored advertising"),
    OPTIONAL: ("선택 항목 처리 정지", "Suspend processing of optional items"),
}
PROFILE = "member_profile"  # the record class whose optional items ``OPTIONAL`` withholds
MARKER = "처리정지"  # shown to staff in place of a withheld item
_CHUNK = 500  # bounded IN lists


def _check(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown suspension kind {kind!r}")


def suspended_ids(kind: str) -> Select:
    """A SELECT of the ids of members whose latest ``kind`` row suspends (for ``NOT IN`` filters)."""
    _check(kind)
    latest = (select(func.max(ConsentEvent.id)).where(ConsentEvent.kind == kind)
              .group_by(ConsentEvent.member_id))
    return select(ConsentEvent.member_id).where(ConsentEvent.id.in_(latest), ConsentEvent.granted.is_(True))


def suspended_members(kind: str, member_ids: Iterable[int] | None = None) -> set[int]:
    """Ids of members who suspended ``kind``: all of them, or those among ``member_ids``.

    One query (per 500 ids), whatever the number of members: list pages call it once.
    """
    if member_ids is None:
        return set(db.session.execute(suspended_ids(kind)).scalars())
    ids = sorted({int(i) for i in member_ids if i is not None})
    out: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        out.update(db.session.execute(suspended_ids(kind).where(ConsentEvent.member_id.in_(chunk))).scalars())
    return out


def is_suspended(member_id: int, kind: str) -> bool:
    """Whether the member's latest ``kind`` row suspends that processing."""
    return member_id in suspended_members(kind, [member_id])


def statistics_allowed(member_id: int) -> bool:
    """Whether the member's data may feed statistics and recommendations (active, not suspended)."""
    return consent.active_members([member_id]) == {member_id} and not is_suspended(member_id, STATISTICS)


def optional_processing_allowed(member_id: int) -> bool:
    """Whether the member's optional items may be processed for anything but the member's own use."""
    return not is_suspended(member_id, OPTIONAL)


def optional_items() -> tuple[str, ...]:
    """Keys of the optional items of the member profile, from the registry (what ``OPTIONAL`` withholds)."""
    if PROFILE not in REGISTRY.record_classes:
        return ()
    return tuple(key for key in REGISTRY.record_class(PROFILE).items
                 if not REGISTRY.item(key).required and not REGISTRY.item(key).hashed)


def withhold_optional(row: dict, extra: Iterable[str] = ()) -> dict:
    """``row`` with every optional item (and the ``extra`` keys built from them) replaced by ``MARKER``.

    Only keys present in ``row`` change, so masked and plain rows of any shape pass through.
    """
    for key in (*optional_items(), *extra):
        if key in row:
            row[key] = MARKER
    return row
