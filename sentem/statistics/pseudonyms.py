"""Keyed pseudonyms for the statistics pipeline, rotating every year.

A member's pseudonym is HMAC-SHA256(key of the year, member id), cut to 32 hex digits.
The key of the year is a data key of kind ``stats_pseudonym`` labelled with the KST
year, kept in the key store under the key hierarchy (``security.datakeys``): when the
year turns, the job shreds the previous year's key, and the usual destruction path
(bucket re-key, epoch root erased) makes every copy of it unreadable. Without the key
a pseudonym cannot be linked back to a member, and last year's pseudonyms cannot be
linked to this year's.
"""
from __future__ import annotations

import hashlib
import hmac

from .. import clock
from ..security import datakeys

KIND = "stats_pseudonym"


def current_year() -> int:
    """The KST year whose key pseudonymises now."""
    return clock.to_kst(clock.now()).year


def key(year: int | None = None, *, create: bool = True) -> bytes | None:
    """The raw key of ``year`` (default: this year), made on first use when ``create``."""
    label = str(year or current_year())
    key_id = datakeys.labelled_key(KIND, label) if create else datakeys.labelled_key_id(KIND, label)
    return None if key_id is None else datakeys.raw_key(key_id)


def pseudonym(raw_key: bytes, member_id: int) -> str:
    """The pseudonym of ``member_id`` under ``raw_key``."""
    return hmac.new(raw_key, str(int(member_id)).encode("ascii"), hashlib.sha256).hexdigest()[:32]


def of_member(member_id: int) -> str | None:
    """The member's pseudonym this year, or None while no key exists (nothing built yet)."""
    raw = key(create=False)
    return None if raw is None else pseudonym(raw, member_id)


def shred_old(year: int | None = None) -> list[str]:
    """Shred every pseudonym key but ``year``'s (flushed, not committed); returns their labels."""
    keep = str(year or current_year())
    gone = []
    for key_id, label in datakeys.labelled_keys(KIND):
        if label != keep:
            datakeys.shred(key_id)
            gone.append(label)
    return gone
