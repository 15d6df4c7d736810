"""Masking for screens that need to show that a value exists, not what it is.

``mask(kind, value)`` is what a personal-field declaration's ``mask=`` names
(``security.fields.personal``); a field declared without one is not shown at all.
"""
from __future__ import annotations

from . import phone


def mask_name(name: str | None) -> str:
    """홍길동 → 홍*동, 김철 → 김*, 남궁민수 → 남**수; Latin names keep first and last letter."""
    if not name:
        return ""
    name = name.strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_email(email: str | None) -> str:
    """abcdef@example.com → ab***@example.com."""
    if not email or "@" not in email:
        return "***" if email else ""
    local, _, domain = email.partition("@")
    return f"{local[:2]}***@{domain}"


def mask_address(address: str | None) -> str:
    """Keeps the first two words (시/도, 시/군/구) and hides the rest."""
    if not address:
        return ""
    words = address.split()
    return " ".join(words[:2] + ["***"]) if len(words) > 2 else "***"


def mask_id(value: str | None) -> str:
    """hong123 → ho*****: enough to tell accounts apart on a list, not to log in as one."""
    if not value:
        return ""
    return value[:2] + "*" * max(len(value) - 2, 1)


def mask_hidden(value: str | None) -> str:
    """Only that there is a value: ``****``."""
    return "****" if value else ""


MASKS = {"name": mask_name, "phone": phone.mask, "email": mask_email, "address": mask_address, "id": mask_id,
         "hidden": mask_hidden}


def mask(kind: str | None, value) -> str:
    """``value`` masked by rule ``kind`` (a key of ``MASKS``); no rule shows nothing."""
    if kind is None or value in (None, ""):
        return ""
    return MASKS[kind](str(value))
