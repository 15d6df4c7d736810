"""What the policy discloses beyond purposes and items: remedy bodies and cookies.

Plain declarations kept by the registry (``REGISTRY.remedies``, ``REGISTRY.cookies``);
the policy snapshot copies them, so the page never types a phone number or a cookie
name. Adding a cookie later is one ``DECLARE.cookie(Cookie(...))`` in its feature.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Remedy:
    """A public body a data subject may turn to for infringement remedies (권익침해 구제방법)."""

    name_ko: str
    name_en: str
    task_ko: str
    task_en: str
    phone: str
    site: str


@dataclass(frozen=True)
class Cookie:
    """A cookie the shop sets: its name, why, and how long the browser keeps it."""

    name: str
    purpose_ko: str
    purpose_en: str
    # None: until the browser is closed (a session cookie); else a number of days.
    max_age_days: int | None = None
    necessary: bool = True  # strictly necessary (no consent asked); others need consent

    def period(self, lang: str = "ko") -> str:
        """How long the browser keeps it, in words."""
        if self.max_age_days is None:
            return "브라우저를 닫을 때까지" if lang == "ko" else "until the browser is closed"
        return f"{self.max_age_days}일" if lang == "ko" else f"{self.max_age_days} days"
