"""Keyed blind indexes: equality lookups on encrypted values without decrypting.

``tag || HMAC-SHA256(index key, kind || 0 || normalised value)`` in hex, cut to 64
characters; the kind keeps equal strings in different items (a login ID and an email)
from sharing an index. The key and its tag come from ``indexkeys.py``: they live
under the erasable root and are replaced after destructions, so an old backup's
indexes cannot be tested against a guess. Fields declared with ``personal(...,
index=True)`` keep their index in step on assignment; lookups go through the same
declaration (``Model.field.matches(value)``), which tries every live key.
"""
from __future__ import annotations

import hashlib
import hmac
import unicodedata

from ..extensions import db
from . import indexkeys
from . import phone as _phone


def normalise(value: str, *, phone: bool = False) -> str:
    """The form a value is compared in: NFKC, trimmed, case-folded; a phone as its digits."""
    if phone:
        return _phone.index_form(value)
    return unicodedata.normalize("NFKC", value or "").strip().casefold()


def compute(kind: str, value: str, key: bytes | None = None, *, phone: bool = False) -> str:
    """The blind index of ``value`` as item ``kind`` under the current index key (``phone``:
    compared as a phone number). ``key``: that raw key instead, untagged (benchmarks)."""
    if key is not None:
        return _tagged(indexkeys.IndexKey(key, ""), kind, value, phone)
    return _tagged(indexkeys.live()[0], kind, value, phone)


def candidates(kind: str, value: str, *, phone: bool = False) -> list[str]:
    """The index ``value`` has under each live key: what a lookup must match."""
    return [_tagged(k, kind, value, phone) for k in indexkeys.live()]


def _tagged(key: indexkeys.IndexKey, kind: str, value: str, phone: bool) -> str:
    msg = kind.encode() + b"\0" + normalise(value, phone=phone).encode("utf-8")
    return key.tag + hmac.new(key.raw, msg, hashlib.sha256).hexdigest()[:64 - len(key.tag)]


def index_column(item: str, unique: bool = False, nullable: bool = True):
    """A column for the blind index of registry item ``item``."""
    return db.Column(db.String(64), index=True, unique=unique, nullable=nullable,
                     info={"blind_index": item})
