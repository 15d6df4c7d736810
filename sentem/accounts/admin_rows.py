"""How a member is shown in the staff area: masked by default, plain only when unmasked.

Which items there are, what they are called and how each is masked come from the
members' personal-field declarations and the registry; nothing is listed here but
which items fit on one line of the list screen.
"""
from __future__ import annotations

from ..privacy import suspension
from ..privacy.registry import REGISTRY
from ..security import aead
from ..security.fields import masked, personal_fields

PAGE_SIZE = 50
LIST_FIELDS = ("login_id", "name", "email", "mobile")


def _open(member, attr):
    """A decrypted value, or a marker when the member's key was destroyed (withdrawn)."""
    try:
        return getattr(member, attr)
    except aead.KeyDestroyed:
        return None


def _base(member) -> dict:
    return {"id": member.id, "status": member.status, "created_at": member.created_at}


def detail_fields(model) -> list[tuple[str, str]]:
    """(attribute, Korean label) of every personal item a detail screen shows, in declaration order."""
    return [(f.name, REGISTRY.item(f.item).label_ko) for f in personal_fields(model)]


def masked_row(member, full: bool = False) -> dict:
    """The member's data masked by each item's declared rule (list and detail screens)."""
    row = _base(member)
    row.update({f.name: masked(member, f.name) for f in personal_fields(type(member))
                if full or f.name in LIST_FIELDS})
    return row


def plain_row(member) -> dict:
    """The member's data unmasked (only after a logged, justified unmask)."""
    row = _base(member)
    row.update({f.name: _open(member, f.name) or "" for f in personal_fields(type(member))})
    return row


def withhold_suspended(rows: list[dict]) -> list[dict]:
    """Blank the optional items of members who suspended their processing (PIPA Art. 37), masked or
    plain alike; one query for all ``rows``. Each row gets ``suspended_optional``."""
    suspended = suspension.suspended_members(suspension.OPTIONAL, [row["id"] for row in rows])
    for row in rows:
        row["suspended_optional"] = row["id"] in suspended
        if row["suspended_optional"]:
            suspension.withhold_optional(row)
    return rows
