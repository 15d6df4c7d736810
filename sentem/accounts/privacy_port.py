"""The member side of the privacy core's members port (``sentem.privacy.members``).

``accounts.init_app`` installs ``PORT``: the consent ledger, the retention engine and
the self-audit learn what they need about members from these functions, without
importing this feature.
"""
from __future__ import annotations

import re

from sqlalchemy import select

from ..extensions import db
from ..privacy.members import MemberContact, MembersPort
from .models import Member

# The items the self-audit looks for in plaintext (long enough to be telling).
SAMPLED = ("login_id", "email", "mobile", "name", "home_phone", "address1", "address2", "company_name",
           "company_phone", "sns_account", "birth_date")
PHONES = ("mobile", "home_phone", "company_phone")
_CHUNK = 500  # bounded IN lists


def contact(member_id: int) -> MemberContact | None:
    """A member's data key, email and state (None once the row is gone)."""
    member = db.session.get(Member, member_id)
    if member is None:
        return None
    return MemberContact(data_key_id=member.data_key_id, email=member.email, active=member.status == "active")


def active_ids(ids: list[int]) -> set[int]:
    """Which of ``ids`` are active members."""
    active: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        active.update(db.session.execute(select(Member.id).where(Member.id.in_(chunk),
                                                                 Member.status == "active")).scalars())
    return active


def sample_values(limit: int) -> list[str]:
    """Decrypted personal values of the ``limit`` newest members still here (phones also as digits)."""
    values: list[str] = []
    members = db.session.execute(select(Member).where(Member.status != "withdrawn")
                                 .order_by(Member.id.desc()).limit(limit)).scalars()
    for member in members:
        for attr in SAMPLED:
            try:
                value = getattr(member, attr, None)
            except Exception:  # noqa: BLE001 - a destroyed key just means nothing to find
                value = None
            if value:
                values.append(str(value))
                if attr in PHONES:
                    values.append(re.sub(r"\D", "", str(value)))
    return values


def withdrawn_ids(ids: list[int]) -> set[int]:
    """Which of ``ids`` withdrew or no longer exist."""
    present: dict[int, str] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        present.update(db.session.execute(select(Member.id, Member.status).where(Member.id.in_(chunk))).all())
    return {i for i in ids if present.get(i, "withdrawn") == "withdrawn"}


PORT = MembersPort(contact=contact, active_ids=active_ids, sample_values=sample_values, withdrawn_ids=withdrawn_ids)
