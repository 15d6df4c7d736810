"""Blind-index keys that die: kept in the key store under the erasable root, and rotated.

A blind index (``blind_index.py``) is an HMAC of a normalised value. An old backup of
the main database keeps the indexes of members who withdrew since; with the key that
made them, anyone could test a guessed email or phone number against them. So the
index key is a data key in the key store (kind ``index``), wrapped under a bucket key
and the epoch root like every other, and a destruction run that destroyed a member
replaces it (``reindex.py``): every live value is indexed again under a new key and
the old key is shredded, so the root that wrapped its copies is erased within the
destruction deadline (``epochs.py``). From then on no index in an older backup can be
recomputed with anything the shop holds.

While a rotation runs, ``live()`` holds two keys: new values are indexed under the
first (current), and lookups try both. Each generation's values start with its tag
(``i`` and one character; 2 of the 64 characters), so rows still under an older key
are found with a prefix query. Before the first rotation the key is the one derived
from the oldest master key (``KeyRing.index_key``), its values untagged, as every
installation made them before.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from . import aead, buckets, datakeys
from .keystore import IndexState

LEGACY = 0  # ``IndexState.previous`` when the key being retired is the master-derived one
_TAG_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class IndexKey:
    """One key that blind indexes are computed with, and the tag its values carry."""

    raw: bytes
    tag: str


def tag(generation: int) -> str:
    """The prefix of generation ``generation``'s index values ('' for the legacy key)."""
    return "" if generation == 0 else "i" + _TAG_CHARS[generation % len(_TAG_CHARS)]


def state(*, lock: bool = False) -> IndexState | None:
    """The index-key row of the key store (None before the first rotation)."""
    q = select(IndexState).where(IndexState.id == 1).execution_options(populate_existing=True)
    if lock:
        q = q.with_for_update()
    return db.session.execute(q).scalar_one_or_none()


def live() -> list[IndexKey]:
    """The index keys in use, current first (two while a rotation runs); cached per app context."""
    cache = buckets._cache()
    found = cache.get(("index",))
    if found is None:
        st = state()
        if st is None or st.current is None:
            found = [_legacy()]
        else:
            found = [IndexKey(datakeys.raw_key(st.current), tag(st.generation))]
            if st.previous is not None:
                try:
                    old = _legacy() if st.previous == LEGACY else IndexKey(datakeys.raw_key(st.previous), "")
                    found.append(IndexKey(old.raw, tag(st.generation - 1)))
                except aead.DecryptionError:  # a restored key store without it: the re-index recovers
                    pass
        cache[("index",)] = found
    return found


def forget() -> None:
    """Drop this context's cached index keys (after a rotation step)."""
    buckets._cache().pop(("index",), None)


def _legacy() -> IndexKey:
    return IndexKey(datakeys.keyring().index_key(), "")
