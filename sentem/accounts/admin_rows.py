"""How a member is shown in the staff area: masked by default, plain only when unmasked."""
from __future__ import annotations

from ..privacy import suspension
from ..security import aead
from ..security.masking import mask_address, mask_email, mask_name, mask_phone

PAGE_SIZE = 50


def _open(member, attr):
    """A decrypted value, or a marker when the member's key was destroyed (withdrawn)."""
    try:
        return getattr(member, attr)
    except aead.KeyDestroyed:
        return None


def mask_login_id(value: str | None) -> str:
    if not value:
        return ""
    return value[:2] + "*" * max(len(value) - 2, 1)


def masked_row(member, full: bool = False) -> dict:
    """The member's data masked (list and detail screens)."""
    row = {"id": member.id, "status": member.status, "created_at": member.created_at,
           "login_id": mask_login_id(_open(member, "login_id")), "name": mask_name(_open(member, "name")),
           "email": mask_email(_open(member, "email")), "mobile": mask_phone(_open(member, "mobile"))}
    if full:
        row.update({"birth_date": "****" if _open(member, "birth_date") else "",
                    "home_phone": mask_phone(_open(member, "home_phone")),
                    "address": mask_address(" ".join(filter(None, [_open(member, "address1")]))),
                    "company_name": "***" if _open(member, "company_name") else ""})
    return row


def plain_row(member) -> dict:
    """The member's data unmasked (only after a logged, justified unmask)."""
    return {"id": member.id, "status": member.status, "created_at": member.created_at,
            "login_id": _open(member, "login_id"), "name": _open(member, "name"),
            "email": _open(member, "email"), "mobile": _open(member, "mobile"),
            "birth_date": _open(member, "birth_date") or "", "home_phone": _open(member, "home_phone") or "",
            "address": " ".join(filter(None, [_open(member, "postcode"), _open(member, "address1"),
                                              _open(member, "address2")])),
            "company_name": _open(member, "company_name") or ""}


def withhold_suspended(rows: list[dict]) -> list[dict]:
    """Blank the optional items of members who suspended their processing (PIPA Art. 37), masked or
    plain alike; one query for all ``rows``. Each row gets ``suspended_optional``."""
    suspended = suspension.suspended_members(suspension.OPTIONAL, [row["id"] for row in rows])
    for row in rows:
        row["suspended_optional"] = row["id"] in suspended
        if row["suspended_optional"]:
            suspension.withhold_optional(row, extra=("address",))  # "address" joins the optional address items
    return rows
