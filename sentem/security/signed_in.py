"""Which session keys mean that a person is signed in.

Each package that signs people in names its key from its ``init_app`` (members:
Flask-Login's ``_user_id``; staff: their own key), so the shell can mark every page such a
person sees as private (``Cache-Control: no-store``) without knowing the features.
"""
from __future__ import annotations

from flask import current_app, session

EXTENSION = "sentem_signed_in_keys"


def add(app, key: str) -> None:
    """Declare that ``key`` in the session means someone is signed in."""
    keys = app.extensions.setdefault(EXTENSION, [])
    if key not in keys:
        keys.append(key)


def now() -> bool:
    """Whether this request's session holds any declared key (needs a request context)."""
    return any(session.get(key) for key in current_app.extensions.get(EXTENSION, ()))
