"""Builders for membership tests (importable by other features' tests)."""
from __future__ import annotations

import itertools

_seq = itertools.count(1)
PASSWORD = "sentem-pass-1"
REQUIRED_CONSENTS = {"terms": True, "privacy": True}


def signup_form(**overrides) -> dict:
    """A valid /signup form with only the required items and required consents."""
    n = next(_seq)
    form = {
        "login_id": f"signup{n:05d}",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "name": "김가입",
        "email": f"signup{n:05d}@example.com",
        "mobile": f"010-{2000 + n % 8000:04d}-{n % 10000:04d}",
        "consent_terms": "y",
        "consent_privacy": "y",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def register_member(consents: dict | None = None, **overrides):
    """A member created through ``accounts.services.register`` (consents recorded, link queued)."""
    from sentem.accounts import services

    form = signup_form(**overrides)
    data = {k: v for k, v in form.items() if not k.startswith("consent_")}
    return services.register(data, dict(REQUIRED_CONSENTS, **(consents or {})),
                             ip="203.0.113.7", user_agent="pytest-agent")
