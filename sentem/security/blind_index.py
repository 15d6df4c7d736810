"""Keyed blind indexes: equality lookups on encrypted values without decrypting.

``HMAC-SHA256(index key, kind || 0 || normalised value)``; the kind keeps equal
strings in different items (a login ID and an email) from sharing an index.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from flask import current_app

from ..extensions import db


def normalise(kind: str, value: str) -> str:
    """The form a value is compared in: NFKC, trimmed, case-folded; phones as digits."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if kind in ("mobile", "phone"):
        digits = re.sub(r"\D", "", text)
        return "0" + digits[2:] if digits.startswith("82") else digits
    return text.casefold()


def compute(kind: str, value: str, key: bytes | None = None) -> str:
    """The hex blind index of ``value`` as item ``kind``."""
    key = key or current_app.extensions["sentem_keyring"].index_key()
    msg = kind.encode() + b"\0" + normalise(kind, value).encode("utf-8")
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def index_column(item: str, unique: bool = False, nullable: bool = True):
    """A column for the blind index of registry item ``item``."""
    return db.Column(db.String(64), index=True, unique=unique, nullable=nullable,
                     info={"blind_index": item})
