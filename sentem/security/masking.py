"""Masking for screens that need to show that a value exists, not what it is."""
from __future__ import annotations

import re


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


def mask_phone(phone: str | None) -> str:
    """010-1234-5678 → 010-****-5678; keeps the area/carrier prefix and last four digits."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return "*" * len(digits)
    if digits.startswith("02"):
        head = "02"
    else:
        head = digits[:3]
    middle = len(digits) - len(head) - 4
    return f"{head}-{'*' * middle}-{digits[-4:]}"


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
