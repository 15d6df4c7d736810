"""Keyed pseudonyms for the statistics pipeline, under a key that every run replaces.

A member's pseudonym is HMAC-SHA256(current key, member id), cut to 32 hex digits. The key
is a data key of kind ``stats_pseudonym`` in the key store, under the key hierarchy
(``security.datakeys``). Each nightly run (``build``) makes a new key, re-keys the kept
profiles to it in SQL (old and new pseudonym side by side in the run's staging table) and
shreds the old key in the same transaction; the usual destruction path (bucket re-key,
epoch root erased) then makes every copy of the old key unreadable within three days.

Why every night, not every year: a backup taken before a member withdrew still holds their
profile row under the key of that night. As long as that key lives, the member id from the
same backup gives the pseudonym and so the row (age band, region, signup month, …). With the
key shredded by the next run, the row cannot be linked to anyone once the shred has
reached every copy — well inside the destruction window (withdrawal + 5 days). Issue 20
asked for a yearly rotation; this is the stronger form of it.
"""
from __future__ import annotations

import hashlib
import hmac

from ..security import datakeys

KIND = "stats_pseudonym"


def current() -> tuple[int, bytes] | None:
    """(id, raw key) of the newest live pseudonym key, or None while there is none."""
    live = datakeys.labelled_keys(KIND)
    if not live:
        return None
    key_id = max(key_id for key_id, _ in live)
    return key_id, datakeys.raw_key(key_id)


def key() -> bytes | None:
    """The raw current key, or None while no run has made one."""
    found = current()
    return None if found is None else found[1]


def start_new(run_id: int) -> tuple[int, bytes]:
    """A new key for run ``run_id`` (flushed, not committed): (id, raw key)."""
    key_id = datakeys.labelled_key(KIND, f"stats-r{run_id}")
    return key_id, datakeys.raw_key(key_id)


def pseudonym(raw_key: bytes, member_id: int) -> str:
    """The pseudonym of ``member_id`` under ``raw_key``."""
    return hmac.new(raw_key, str(int(member_id)).encode("ascii"), hashlib.sha256).hexdigest()[:32]


def of_member(member_id: int) -> str | None:
    """The member's pseudonym under the current key, or None while no key exists."""
    raw = key()
    return None if raw is None else pseudonym(raw, member_id)


def shred_all_but(key_id: int) -> list[int]:
    """Shred every pseudonym key but ``key_id`` (flushed, not committed); returns their ids."""
    gone = [other for other, _ in datakeys.labelled_keys(KIND) if other != key_id]
    for other in gone:
        datakeys.shred(other)
    return gone
