"""Keys that die on time: a record's AEAD key derived from its owner's key AND a day key.

A record with a retention period (a login, an answered inquiry, a delivery request, a
staff access-log row) is sealed under ``HKDF(owner key || day key)``, where the owner
key is the member's data key (or a master key, for rows that belong to no member) and
the day key is a data key of the key store named by the record's retain-until day
(KST). Destroying either — the member withdraws, or the day ends and the retention run
shreds its key — makes every copy of the record unreadable, in every backup.

A token names both keys in its key id: ``x<day key>.k<member key>`` or
``x<day key>.m<master version>`` (``aead``'s token format; tokens under a member or a
master key alone keep their ``k…``/``m…`` ids and still open). This module only
derives and names; ``datakeys`` seals and opens, ``expiring`` picks the day.
"""
from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from . import aead

PREFIX = "x"
_INFO = b"sentem day-bound record key v1|"


def kid(day_key_id: int, owner: str) -> str:
    """The key id of a token sealed under day key ``day_key_id`` and ``owner`` (``k12`` or ``m1``)."""
    return f"{PREFIX}{day_key_id}.{owner}"


def is_kid(key_id: str) -> bool:
    """Whether ``key_id`` names a day-bound key."""
    return key_id.startswith(PREFIX) and "." in key_id


def parse(key_id: str) -> tuple[int, str, int]:
    """(day key id, owner kind ``k`` or ``m``, owner id) of a day-bound key id."""
    day, _, owner = key_id[len(PREFIX):].partition(".")
    if not day.isdigit() or len(owner) < 2 or owner[0] not in "km" or not owner[1:].isdigit():
        raise aead.DecryptionError(f"malformed day-bound key id {key_id}")
    return int(day), owner[0], int(owner[1:])


def derive(owner_raw: bytes, day_raw: bytes, key_id: str) -> bytes:
    """The record key: HKDF-SHA256 over both keys, bound to the key id (so no other pair
    of keys, and no other naming of this pair, yields it)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=_INFO + key_id.encode("ascii")).derive(owner_raw + day_raw)
