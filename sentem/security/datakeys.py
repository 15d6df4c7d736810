"""Per-member, per-archive-day and per-outbox-day data keys: the key hierarchy's face.

Each member's personal data is sealed under their own data key; archived records
under the key of their retain-until day; outbox messages under the key of the day
they were written. Data keys live in the separate key store,
wrapped under bucket keys, which are wrapped under an epoch root kept outside every
database (``keystore.py``, ``buckets.py``, ``epochs.py``, ``rootkey.py``).

Shredding deletes the key's row and marks its bucket; the sweep then re-keys the
bucket and starts a new epoch, and the old root is erased within the destruction
deadline. From then on no copy of the key — in a WAL segment, a WAL archive, a base
backup, a dump or a statistics page — opens with anything the shop holds, so every
copy of the ciphertext sealed under it is unreadable too.
"""
from __future__ import annotations

import datetime as _dt

from flask import current_app
from flask.globals import _cv_app
from sqlalchemy import select

from .. import clock
from ..extensions import db
from . import aead, buckets, daykeys, epochs, keycache
from .keycache import forget, kid_for  # noqa: F401  (re-exported: the key id format, forgetting a key)
from .keystore import DataKey, KeyShred  # noqa: F401  (DataKey: re-exported for callers)

_PREFIX = aead.PREFIX
DEADLINE = _dt.timedelta(days=5)  # a shred with no deadline of its own: erased within this


def keyring():
    """The app's master key ring (values that belong to no member; blind indexes)."""
    return current_app.extensions["sentem_keyring"]


def create(kind: str = "member", label: str | None = None) -> int:
    """Make and store a new wrapped data key; returns its id (flushed, not committed)."""
    raw = aead.new_key()
    row = DataKey(kind=kind, label=label, wrapped="pending", created_at=clock.now())
    db.session.add(row)
    db.session.flush()  # the insert comes first: see the locking note in buckets.py
    buckets.wrap(row, raw)
    db.session.flush()
    keycache.note_made(db.session, row.id)
    return row.id


def archive_key(label: str) -> int:
    """The archive key of a retain-until day (``YYYY-MM-DD``), creating it on first use."""
    return labelled_key("archive", label)


def labelled_key(kind: str, label: str) -> int:
    """The data key of ``kind`` named ``label`` (unique), creating it on first use (flushed)."""
    row = db.session.execute(select(DataKey).filter_by(kind=kind, label=label)).scalar_one_or_none()
    return row.id if row else create(kind=kind, label=label)


def labelled_key_id(kind: str, label: str) -> int | None:
    """The id of a labelled key, or None when there is none (never made, or shredded)."""
    return db.session.execute(select(DataKey.id).filter_by(kind=kind, label=label)).scalar_one_or_none()


def labelled_keys(kind: str) -> list[tuple[int, str]]:
    """(id, label) of every live key of ``kind``."""
    return list(db.session.execute(select(DataKey.id, DataKey.label).filter_by(kind=kind)).all())


def raw_key(data_key_id: int) -> bytes:
    """The unwrapped key; raises KeyDestroyed when it was shredded (or its root erased)."""
    return _sealer(data_key_id).key


def raw_keys(data_key_ids) -> dict[int, bytes]:
    """Many unwrapped keys by id ranges (bulk readers); shredded ids are simply absent.

    Not cached: a bulk reader holds them only for its own chunk.
    """
    return buckets.unwrap_many(data_key_ids, keyring())


def preload(data_key_ids) -> list[int]:
    """Unwrap many data keys in two queries into this context's cache (bulk work, e.g. a
    re-index); returns the ids loaded, for ``unload`` once the batch is done."""
    cache = buckets._cache()
    wanted = [i for i in set(data_key_ids) if i not in cache]
    found = buckets.unwrap_many(wanted, keyring())
    for key_id, raw in found.items():
        keycache.keep(cache, aead.Sealer(raw, kid_for(key_id)), key_id)
    return list(found)


def unload(data_key_ids) -> None:
    """Drop these keys from this context's cache (bounded memory in bulk work)."""
    cache = buckets._cache()
    for key_id in data_key_ids:
        cache.pop(key_id, None)
        cache.pop(keycache.head(kid_for(key_id)), None)


def _sealer(data_key_id: int) -> aead.Sealer:
    # The key ready for use (``aead.Sealer``, which holds the raw key too), cached for this
    # app context under its id and its tokens' head (``keycache.keep``): building it costs more than a seal.
    cache = buckets._cache()
    sealer = cache.get(data_key_id)
    if sealer is None:
        raw = buckets.unwrap(data_key_id, keyring())
        if raw is None:
            raise aead.KeyDestroyed(f"data key k{data_key_id} was destroyed")
        sealer = keycache.keep(cache, aead.Sealer(raw, kid_for(data_key_id)), data_key_id)
    return sealer


def seal(data_key_id: int, plaintext: str | bytes, context: str) -> str:
    """Seal under a member's (or a labelled) data key; the token names ``k<id>``."""
    # The cache reached directly (no call, no key id string): on a short field each hop
    # costs as much as a tenth of the cipher (``bench foundation``).
    try:
        sealer = _cv_app.get().g.sentem_data_keys[data_key_id]
    except (LookupError, AttributeError):  # not unwrapped in this context yet (or no context)
        sealer = _sealer(data_key_id)
    return sealer.seal(plaintext, context)


def seal_until(day_key_id: int, owner_key_id: int | None, plaintext: str | bytes, context: str) -> str:
    """Seal under the day key AND the owner's data key (None: the current master key);
    see ``daykeys``. Either destroyed, the token never opens again."""
    kid = daykey_kid(day_key_id, owner_key_id)
    return _day_sealer(kid).seal(plaintext, context)


def daykey_kid(day_key_id: int, owner_key_id: int | None) -> str:
    """The key id ``seal_until`` writes for this pair (None: the current master key)."""
    return daykeys.kid(day_key_id, kid_for(owner_key_id) if owner_key_id is not None else keyring().current_kid)


def _day_sealer(kid: str) -> aead.Sealer:
    # Cached beside the data keys (same context, same life): deriving costs an HKDF.
    cache = buckets._cache()
    sealer = cache.get(keycache.head(kid))
    if sealer is None:
        day_key_id, kind, owner_id = daykeys.parse(kid)
        if kind == "k":
            _ready(day_key_id, owner_id)
        owner_raw = raw_key(owner_id) if kind == "k" else keyring().key(owner_id)
        sealer = keycache.keep(cache, aead.Sealer(daykeys.derive(owner_raw, raw_key(day_key_id), kid), kid))
    return sealer


def _ready(*data_key_ids: int) -> None:
    # Keys not yet unwrapped in this context, unwrapped in one query (a day-bound value needs
    # its day key and its owner's key: one round trip to the key store, not two).
    cache = buckets._cache()
    wanted = [i for i in data_key_ids if i not in cache]
    if len(wanted) < 2:
        return
    for key_id, raw in buckets.unwrap_few(wanted, keyring()).items():
        keycache.keep(cache, aead.Sealer(raw, kid_for(key_id)), key_id)


def open_token(token: str, context: str) -> bytes:
    """Open a token sealed under a data key (``k…``), a master key (``m…``) or a day key
    with either (``x…``)."""
    head, _, body = token.rpartition("$")
    # A cached head (``s2$<key id>``) was made for exactly this key id, checked then; a legacy
    # ``s1`` head, or anything malformed, is never one.
    try:
        sealer = _cv_app.get().g.sentem_data_keys[head]
    except (LookupError, AttributeError):
        return _open_uncached(token.split("$"), context)
    return sealer.open_body(body, context)


def _open_uncached(parts: list[str], context: str) -> bytes:
    # ``open_token`` for a key not yet ready in this context, a legacy ``s1`` token (or a
    # malformed one).
    if len(parts) != 3 or parts[0] not in (_PREFIX, aead.LEGACY_PREFIX) or not parts[1]:
        raise aead.DecryptionError("not a Sentem ciphertext token")
    kid = parts[1]
    sealer = buckets._cache().get(keycache.head(kid))
    if sealer is None:
        if kid[0] == "k" and kid[1:].isdigit():
            sealer = _sealer(int(kid[1:]))
        elif kid[0] == "m":
            sealer = keyring().sealer(_master_version(kid))
        elif daykeys.is_kid(kid):
            sealer = _day_sealer(kid)
        else:
            raise aead.DecryptionError(f"unknown key id {kid}")
    return sealer.open_body(parts[2] if parts[0] == _PREFIX else aead.legacy_body(parts[2]), context)


def open_many(tokens, context: str) -> list[bytes | None]:
    """``open_token`` for many tokens of one field (None stays None): one cache lookup per
    token and no per-value call chain, for readers of many rows (the access-right export)."""
    cache = buckets._cache()
    out: list[bytes | None] = []
    for token in tokens:
        if token is None:
            out.append(None)
            continue
        head, _, body = token.rpartition("$")
        sealer = cache.get(head)
        out.append(_open_uncached(token.split("$"), context) if sealer is None else sealer.open_body(body, context))
    return out


def _master_version(kid: str) -> int:
    if not kid[1:].isdigit():
        raise aead.DecryptionError(f"{kid} is not a master key id")
    return int(kid[1:])


def shred(data_key_id: int, deadline: _dt.datetime | None = None) -> bool:
    """Destroy a data key (flushed, not committed). Returns whether a key was there.

    ``deadline``: when every copy must be unreadable (default: five days from now);
    the sweep's ``after_destruction`` re-keys the bucket and erases the old root in time.
    """
    forget(data_key_id)
    row = db.session.get(DataKey, data_key_id)
    if row is None:
        return False
    buckets.mark_shredded(data_key_id, clock.as_utc(deadline) if deadline else clock.now() + DEADLINE)
    if db.session.get(KeyShred, data_key_id) is None:
        db.session.add(KeyShred(key_id=data_key_id, kind=row.kind, epoch=buckets.current_epoch(lock=None),
                                shredded_at=clock.now()))
    db.session.delete(row)
    db.session.flush()
    return True


def after_destruction(now: _dt.datetime | None = None, name=None) -> dict:
    """Re-key buckets that lost a key, start a new epoch, erase roots that are due (commits).
    ``name``: told of each piece of work just before it (``epochs.after_destruction``)."""
    return epochs.after_destruction(keyring(), now, name)


def rewrap_all() -> int:
    """A new epoch root now, every bucket key re-wrapped under it (``keys rotate``); commits.

    Data keys still wrapped under a master key (made before buckets) move into buckets.
    Returns how many keys were re-wrapped.
    """
    legacy = [k for k, w in db.session.execute(select(DataKey.id, DataKey.wrapped))
              if w.startswith((f"{_PREFIX}$m", f"{aead.LEGACY_PREFIX}$m"))]
    for key_id in legacy:
        raw = keyring().open_bytes(db.session.get(DataKey, key_id).wrapped, context=f"datakey:{key_id}")
        buckets.wrap(db.session.get(DataKey, key_id), raw)
    db.session.commit()
    return len(legacy) + epochs.rewrap_all()
