"""Per-member data keys, kept in the separate key-store database.

Each member's personal data is sealed under their own data key, which is stored
wrapped by the current master key in the ``keys`` bind — never in the main or
archive database. Destroying the row (crypto-shredding) makes every copy of that
member's ciphertext unreadable, including copies of the main database taken
before. Archive month keys are data keys of kind ``archive``.
"""
from __future__ import annotations

from flask import current_app, g
from sqlalchemy import select

from .. import clock
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from . import aead


class DataKey(db.Model):
    """A wrapped data key. Deleting the row is the shredding."""

    __bind_key__ = "keys"
    __tablename__ = "data_keys"

    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(16), nullable=False, default="member")  # member | archive
    label = db.Column(db.String(32), nullable=True, unique=True)  # archive month, e.g. "2031-11"
    wrapped = db.Column(db.Text, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


def keyring():
    """The app's master key ring."""
    return current_app.extensions["sentem_keyring"]


def kid_for(data_key_id: int) -> str:
    return f"k{data_key_id}"


def create(kind: str = "member", label: str | None = None) -> int:
    """Make and store a new wrapped data key; returns its id (flushed, not committed)."""
    raw = aead.new_key()
    row = DataKey(kind=kind, label=label, wrapped="pending", created_at=clock.now())
    db.session.add(row)
    db.session.flush()
    row.wrapped = keyring().seal(raw, context=f"datakey:{row.id}")
    db.session.flush()
    _cache()[row.id] = raw
    return row.id


def archive_key_for_month(month: str) -> int:
    """The archive key of a retention month (``YYYY-MM``), creating it on first use."""
    row = db.session.execute(select(DataKey).filter_by(kind="archive", label=month)).scalar_one_or_none()
    return row.id if row else create(kind="archive", label=month)


def raw_key(data_key_id: int) -> bytes:
    """The unwrapped key; raises KeyDestroyed when it was shredded."""
    cache = _cache()
    if data_key_id in cache:
        return cache[data_key_id]
    row = db.session.get(DataKey, data_key_id)
    if row is None:
        raise aead.KeyDestroyed(f"data key k{data_key_id} was destroyed")
    raw = keyring().open_bytes(row.wrapped, context=f"datakey:{row.id}")
    cache[data_key_id] = raw
    return raw


def seal(data_key_id: int, plaintext: str | bytes, context: str) -> str:
    return aead.seal(raw_key(data_key_id), kid_for(data_key_id), plaintext, context)


def open_token(token: str, context: str) -> bytes:
    """Open a token sealed under a data key (``k…``) or a master key (``m…``)."""
    kid = aead.key_id(token)
    if kid.startswith("m"):
        return keyring().open_bytes(token, context)
    if not kid.startswith("k") or not kid[1:].isdigit():
        raise aead.DecryptionError(f"unknown key id {kid}")
    return aead.open_bytes(raw_key(int(kid[1:])), token, context)


def shred(data_key_id: int) -> bool:
    """Destroy a data key (flushed, not committed). Returns whether a key was there."""
    _cache().pop(data_key_id, None)
    row = db.session.get(DataKey, data_key_id)
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def rewrap_all() -> int:
    """Re-wrap every data key under the current master key (after ``keys rotate``)."""
    ring = keyring()
    count = 0
    for row in db.session.execute(select(DataKey)).scalars():
        if aead.key_id(row.wrapped) != ring.current_kid:
            raw = ring.open_bytes(row.wrapped, context=f"datakey:{row.id}")
            row.wrapped = ring.seal(raw, context=f"datakey:{row.id}")
            count += 1
    db.session.flush()
    return count


def _cache() -> dict:
    # Per app context (one request, one job): a shredded key never outlives its
    # context, and no process keeps keys that another needs. One proxy lookup per
    # call: this sits on the path of every encrypted field.
    try:
        ctx_g = g._get_current_object()
    except RuntimeError:
        raise RuntimeError("data keys need an app context") from None
    cache = getattr(ctx_g, "sentem_data_keys", None)
    if cache is None:
        cache = ctx_g.sentem_data_keys = {}
    return cache
