"""Who a message may go to: a member's contact details and whether they may be reached.

Support writes only to active members; the details come from membership's API.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..accounts import services as accounts


@dataclass(frozen=True)
class Contact:
    member_id: int
    active: bool  # status active: not withdrawn, not waiting to withdraw
    email: str | None
    email_verified: bool
    mobile: str | None


def contact_of(member_id: int) -> Contact | None:
    """The member's contact, or None when there is no such member (or their key is shredded).

    A member who is not active comes back with no addresses at all.
    """
    found = accounts.contact_of(member_id)
    if found is None:
        return None
    if not found.active:
        return Contact(member_id, False, None, False, None)
    return Contact(member_id, True, found.email, found.email_verified, found.mobile)
