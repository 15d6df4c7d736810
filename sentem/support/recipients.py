"""Who a message may go to: a member's contact details and whether they may be reached."""
from __future__ import annotations

from dataclasses import dataclass

from ..extensions import db


@dataclass(frozen=True)
class Contact:
    member_id: int
    active: bool  # status active: not withdrawn, not waiting to withdraw
    email: str | None
    email_verified: bool
    mobile: str | None


def contact_of(member_id: int) -> Contact | None:
    """The member's contact, or None when there is no such member (or their key is shredded)."""
    from ..accounts.models import Member
    from ..security import aead

    member = db.session.get(Member, member_id)
    if member is None:
        return None
    active = member.status == "active"
    if not active:
        return Contact(member_id, False, None, False, None)
    try:
        return Contact(member_id, True, member.email, member.email_verified_at is not None, member.mobile)
    except aead.KeyDestroyed:
        return None
