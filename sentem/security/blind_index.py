"""Keyed blind indexes: equality lookups on encrypted values without decrypting.

``HMAC-SHA256(index key, kind || 0 || normalised value)``; the kind keeps equal
strings in different items (a login ID and an email) from sharing an index.
Fields declared with ``personal(..., index=True)`` keep their index in step on
assignment; lookups go through the same declaration (``Model.field.matches(value)``).
"""
from __future__ import annotations

import hashlib
import hmac
import unicodedata

from flask import current_app

from ..extensions import db
from . import phone as _phone


def normalise(value: str, *, phone: bool = False) -> str:
    """The form a value is compared in: NFKC, trimmed, case-folded; a phone as its digits."""
    if phone:
        return _phone.index_form(value)
    return unicodedata.normalize("NFKC", value or "").strip().casefold()


def compute(kind: str, value: str, key: bytes | None = None, *, phone: bool = False) -> str:
    """The hex blind index of ``value`` as item ``kind`` (``phone``: compared as a phone number)."""
    key = key or current_app.extensions["sentem_keyring"].index_key()
    msg = kind.encode() + b"\0" + normalise(value, phone=phone).encode("utf-8")
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def index_column(item: str, unique: bool = False, nullable: bool = True):
    """A column for the blind index of registry item ``item``."""
    return db.Column(db.String(64), index=True, unique=unique, nullable=nullable,
                     info={"blind_index": item})
