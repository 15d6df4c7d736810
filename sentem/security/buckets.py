"""Bucket keys: wrapping and unwrapping data keys, and re-keying a bucket after a shred.

Locking, so that no data key is ever wrapped under a bucket key that is being
replaced, and no bucket under a root that is being retired:

* a new data key is inserted *first* (on SQLite that takes the write lock, so what
  is read next is current), then its bucket is read with a share lock;
* re-keying takes the bucket row for update, then reads the data keys in its range;
* a new bucket reads the epoch row with a share lock, which a new epoch updates.

On PostgreSQL the row locks order these; on SQLite writers are serialised anyway.
"""
from __future__ import annotations

import functools
import os

from flask import current_app
from flask.globals import _cv_app
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from . import aead, rootkey
from .keystore import BUCKET_SIZE, DataKey, KeyBucket, KeyEpoch


def root_file() -> rootkey.RootFile:
    """The installation's epoch roots (``SENTEM_KEY_ROOT_FILE``, else the instance folder)."""
    ext = current_app.extensions
    root = ext.get("sentem_keyroot")
    if root is None:
        path = current_app.config.get("SENTEM_KEY_ROOT_FILE") or os.path.join(
            current_app.config["SENTEM_INSTANCE_PATH"], rootkey.FILE_NAME)
        root = ext["sentem_keyroot"] = rootkey.RootFile(path)
    return root


def bucket_of(data_key_id: int) -> int:
    return data_key_id // BUCKET_SIZE


def current_epoch(lock: str | None = "share") -> int:
    """The epoch new bucket keys are wrapped under (``lock``: "share", "update" or None)."""
    q = select(KeyEpoch).where(KeyEpoch.id == 1).execution_options(populate_existing=True)
    if lock:
        q = q.with_for_update(read=(lock == "share"))
    row = db.session.execute(q).scalar_one_or_none()
    if row is None:
        epoch = root_file().current()[0]
        try:
            with db.session.begin_nested():
                db.session.add(KeyEpoch(id=1, epoch=epoch, started_at=clock.now()))
        except IntegrityError:  # another process made it first
            pass
        row = db.session.execute(q).scalar_one()
    return row.epoch


def wrap(row: DataKey, raw: bytes) -> None:
    """Wrap a new data key (its row already flushed) under its bucket key."""
    bucket = _bucket_for_new_key(bucket_of(row.id))
    braw = _unwrap_bucket(bucket.id, bucket.gen, bucket.wrapped)
    row.wrapped = aead.seal(braw, _kid(bucket.id, bucket.gen), raw, f"datakey:{row.id}")


def unwrap(data_key_id: int, legacy_ring) -> bytes | None:
    """The raw data key, or None when there is no such key (shredded)."""
    found = db.session.execute(_unwrap_query(), {"b": bucket_of(data_key_id), "k": data_key_id}).first()
    if found is None:
        return None
    return _opened(data_key_id, *found, legacy_ring)


def unwrap_few(data_key_ids, legacy_ring) -> dict[int, bytes]:
    """``unwrap`` of a few keys (a day-bound record's owner key and day key) in one query;
    ids with no key (shredded) are left out. Each key row comes with every wanted bucket
    (a handful of rows at most) and is matched to its own here."""
    ids = sorted({int(i) for i in data_key_ids})
    wanted = {bucket_of(i) for i in ids}
    rows = db.session.execute(_unwrap_few_query(), {"b": sorted(wanted), "k": ids}).all()
    found: dict[int, tuple] = {}
    for key_id, wrapped, b, gen, bucket_wrapped in rows:
        if b == bucket_of(key_id):
            found[key_id] = (wrapped, gen, bucket_wrapped)
        else:
            found.setdefault(key_id, (wrapped, None, None))  # its own bucket may be missing
    return {key_id: _opened(key_id, *row, legacy_ring) for key_id, row in found.items()}


# Built once: every request that opens personal data sends one, and building a statement
# and its cache key costs more than running it.
@functools.cache
def _unwrap_query():
    return (select(DataKey.wrapped, KeyBucket.gen, KeyBucket.wrapped)
            .outerjoin(KeyBucket, KeyBucket.id == bindparam("b")).where(DataKey.id == bindparam("k")))


@functools.cache
def _unwrap_few_query():
    return (select(DataKey.id, DataKey.wrapped, KeyBucket.id, KeyBucket.gen, KeyBucket.wrapped)
            .outerjoin(KeyBucket, KeyBucket.id.in_(bindparam("b", expanding=True)))
            .where(DataKey.id.in_(bindparam("k", expanding=True))))


def _opened(data_key_id: int, wrapped: str, gen: int | None, bucket_wrapped: str | None, legacy_ring) -> bytes:
    # The checks every unwrap makes: a key wrapped under its bucket's current key, or a legacy one.
    b = bucket_of(data_key_id)
    kid = aead.key_id(wrapped)
    if kid.startswith("m"):  # wrapped under a master key before buckets existed
        return legacy_ring.open_bytes(wrapped, context=f"datakey:{data_key_id}")
    if bucket_wrapped is None or kid != _kid(b, gen):
        raise aead.DecryptionError(f"data key k{data_key_id}: bucket key {kid} is not current")
    return aead.open_bytes(_unwrap_bucket(b, gen, bucket_wrapped), wrapped, f"datakey:{data_key_id}")


def unwrap_many(data_key_ids, legacy_ring) -> dict[int, bytes]:
    """Raw data keys of many ids, read by id ranges (bulk readers such as the statistics job).

    Ids with no key (shredded) are left out; the same checks as ``unwrap``. Ranges, not
    IN lists: a run of near-consecutive ids is one ``BETWEEN`` (rows outside the wanted
    ids are skipped), so a chunk costs two short queries whatever its size.
    """
    ids = sorted({int(i) for i in data_key_ids})
    if not ids:
        return {}
    wanted, keys = set(ids), []
    for condition in id_filters(DataKey.id, ids):
        keys.extend(row for row in db.session.execute(
            select(DataKey.id, DataKey.wrapped).where(condition)).all() if row[0] in wanted)
    found = {}
    for lo, hi in id_runs(sorted({bucket_of(key_id) for key_id, _ in keys})):
        found.update({b: (gen, w) for b, gen, w in db.session.execute(
            select(KeyBucket.id, KeyBucket.gen, KeyBucket.wrapped).where(KeyBucket.id.between(lo, hi))).all()})
    out, by_bucket = {}, {}
    for key_id, wrapped in keys:
        kid = aead.key_id(wrapped)
        if kid.startswith("m"):  # wrapped under a master key before buckets existed
            out[key_id] = legacy_ring.open_bytes(wrapped, context=f"datakey:{key_id}")
            continue
        b = bucket_of(key_id)
        gen, bucket_wrapped = found.get(b, (None, None))
        if bucket_wrapped is None or kid != _kid(b, gen):
            raise aead.DecryptionError(f"data key k{key_id}: bucket key {kid} is not current")
        by_bucket.setdefault(b, []).append((key_id, wrapped))
    for b, members in by_bucket.items():
        gen, bucket_wrapped = found[b]
        raws = aead.open_all(_unwrap_bucket(b, gen, bucket_wrapped), [(w, f"datakey:{k}") for k, w in members])
        out.update(zip((k for k, _ in members), raws))
    return out


def id_runs(ids: list[int], gap: int = 1000) -> list[tuple[int, int]]:
    """Sorted ``ids`` as (low, high) runs whose neighbours are less than ``gap`` apart."""
    runs: list[tuple[int, int]] = []
    for i in ids:
        if runs and i - runs[-1][1] < gap:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def id_filters(column, ids: list[int], gap: int = 1000, batch: int = 1000) -> list:
    """Conditions on ``column`` that together select sorted ``ids``, one query each: a dense run
    (at least a quarter of its range wanted) as one ``BETWEEN``, scattered ids in ``IN`` lists
    of ``batch`` — so 1% of a million ids is not read as the whole million."""
    out, scattered, start = [], [], 0
    for lo, hi in id_runs(ids, gap):
        end = start
        while end < len(ids) and ids[end] <= hi:
            end += 1
        if (hi - lo + 1) <= 4 * (end - start):
            out.append(column.between(lo, hi))
        else:
            scattered.extend(ids[start:end])
        start = end
    out.extend(column.in_(scattered[i:i + batch]) for i in range(0, len(scattered), batch))
    return out


def mark_shredded(data_key_id: int, deadline) -> None:
    """Its bucket must get a new key before ``deadline`` (flushed, not committed)."""
    bucket = db.session.get(KeyBucket, bucket_of(data_key_id), with_for_update=True, populate_existing=True)
    if bucket is not None and (bucket.rekey_by is None or bucket.rekey_by > deadline):
        bucket.rekey_by = deadline
        db.session.flush()


def rekey(bucket_id: int, legacy_ring) -> int:
    """A new key for one bucket; its data keys re-wrapped (flushed). Returns how many."""
    bucket = db.session.get(KeyBucket, bucket_id, with_for_update=True, populate_existing=True)
    if bucket is None:
        return 0
    old = _unwrap_bucket(bucket.id, bucket.gen, bucket.wrapped)
    new, gen = aead.new_key(), bucket.gen + 1
    rows = db.session.execute(select(DataKey.id, DataKey.wrapped).where(
        DataKey.id >= bucket_id * BUCKET_SIZE, DataKey.id < (bucket_id + 1) * BUCKET_SIZE)).all()
    updates = []
    for key_id, wrapped in rows:
        ctx = f"datakey:{key_id}"
        if aead.key_id(wrapped).startswith("m"):
            raw = legacy_ring.open_bytes(wrapped, context=ctx)
        else:
            raw = aead.open_bytes(old, wrapped, ctx)
        updates.append({"k_id": key_id, "k_wrapped": aead.seal(new, _kid(bucket_id, gen), raw, ctx)})
    if updates:
        table = DataKey.__table__
        db.session.execute(table.update().where(table.c.id == bindparam("k_id"))
                           .values(wrapped=bindparam("k_wrapped")), updates)
    epoch = current_epoch()
    bucket.gen, bucket.epoch, bucket.rekey_by, bucket.rekeyed_at = gen, epoch, None, clock.now()
    bucket.wrapped = _seal_bucket(bucket_id, gen, new, epoch)
    db.session.flush()
    return len(updates)


def rewrap_under(epoch: int, batch: int = 1000) -> int:
    """Re-wrap every bucket key held under an older epoch under ``epoch``'s root; commits per batch."""
    done = 0
    while True:
        buckets = db.session.execute(
            select(KeyBucket).where(KeyBucket.epoch < epoch).order_by(KeyBucket.id).limit(batch)
            .with_for_update().execution_options(populate_existing=True)).scalars().all()
        if not buckets:
            return done
        for bucket in buckets:
            raw = _unwrap_bucket(bucket.id, bucket.gen, bucket.wrapped)
            bucket.wrapped, bucket.epoch = _seal_bucket(bucket.id, bucket.gen, raw, epoch), epoch
        db.session.commit()
        done += len(buckets)


def _bucket_for_new_key(bucket_id: int) -> KeyBucket:
    q = (select(KeyBucket).where(KeyBucket.id == bucket_id).with_for_update(read=True)
         .execution_options(populate_existing=True))
    bucket = db.session.execute(q).scalar_one_or_none()
    if bucket is not None:
        return bucket
    epoch = current_epoch()
    raw = aead.new_key()
    try:
        with db.session.begin_nested():
            db.session.add(KeyBucket(id=bucket_id, gen=1, epoch=epoch, wrapped=_seal_bucket(bucket_id, 1, raw, epoch),
                                     rekeyed_at=clock.now()))
    except IntegrityError:  # another process made this bucket first
        pass
    return db.session.execute(q).scalar_one()


def _kid(bucket_id: int, gen: int) -> str:
    return f"b{bucket_id}.{gen}"


def _seal_bucket(bucket_id: int, gen: int, raw: bytes, epoch: int) -> str:
    return aead.seal(root_file().key(epoch), f"r{epoch}", raw, f"bucket:{bucket_id}.{gen}")


def _unwrap_bucket(bucket_id: int, gen: int, wrapped: str) -> bytes:
    # Cached by the wrapped token itself: a token names exactly one key, so a re-keyed or
    # rolled-back bucket can never be served from the cache.
    cache = _cache()
    raw = cache.get(("bucket", wrapped))
    if raw is None:
        kid = aead.key_id(wrapped)
        if not kid.startswith("r") or not kid[1:].isdigit():
            raise aead.DecryptionError(f"{kid} is not an epoch root")
        root = root_file().key(int(kid[1:]))  # raises RootMissing once erased
        raw = cache[("bucket", wrapped)] = aead.open_bytes(root, wrapped, f"bucket:{bucket_id}.{gen}")
    return raw


def context_cache() -> dict | None:
    """This app context's key cache (see ``_cache``), or None outside one."""
    return _cache() if _cv_app.get(None) is not None else None


def _cache() -> dict:
    # Per app context (one request, one job), shared with datakeys: a shredded or re-keyed
    # key never outlives its context, and no process keeps keys that another needs.
    # The context variable directly: ``flask.g``'s proxy costs as much as sealing a field.
    ctx = _cv_app.get(None)
    if ctx is None:
        raise RuntimeError("data keys need an app context")
    cache = getattr(ctx.g, "sentem_data_keys", None)
    if cache is None:
        cache = ctx.g.sentem_data_keys = {}
    return cache
