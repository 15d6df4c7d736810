"""The key store's tables (the ``keys`` bind, a database of its own).

::

    data key   (data_keys)   -- wrapped under -->  its bucket key
    bucket key (key_buckets) -- wrapped under -->  the epoch root (rootkey.py, no database)

A data key belongs to bucket ``id // BUCKET_SIZE``. No column here is useful without
the epoch root, and none may have planner statistics (``info={"secret": True}``:
the migrations set their statistics target to 0 on PostgreSQL).
"""
from __future__ import annotations

from ..db_types import UTCDateTime, utcnow
from ..extensions import db

BUCKET_SIZE = 256  # data keys per bucket: what one shred costs to re-key (bench/bench_keys.py)


class DataKey(db.Model):
    """A wrapped data key. Deleting the row (and re-keying its bucket) is the shredding."""

    __bind_key__ = "keys"
    __tablename__ = "data_keys"
    # Ids are never reused (SQLite would reuse the highest after a delete): an id names one key for ever.
    __table_args__ = {"sqlite_autoincrement": True}

    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(16), nullable=False, default="member")  # member | archive | outbox | index
    label = db.Column(db.String(32), nullable=True, unique=True)  # archive day, e.g. "2031-11-05"
    wrapped = db.Column(db.Text, nullable=False, info={"secret": True})
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class KeyBucket(db.Model):
    """A bucket key (generation ``gen``), wrapped under the root of ``epoch``.

    ``rekey_by`` is set when one of its data keys is shredded: the bucket must get a
    new key (and its data keys be re-wrapped) before then.
    """

    __bind_key__ = "keys"
    __tablename__ = "key_buckets"

    id = db.Column(db.Integer, primary_key=True, autoincrement=False)
    gen = db.Column(db.Integer, nullable=False, default=1)
    epoch = db.Column(db.Integer, nullable=False, index=True)
    wrapped = db.Column(db.Text, nullable=False, info={"secret": True})
    rekey_by = db.Column(UTCDateTime, nullable=True, index=True)
    rekeyed_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class KeyEpoch(db.Model):
    """The epoch whose root wraps new bucket keys (one row, id 1).

    Bucket creation reads it with a share lock and a new epoch updates it, so no bucket
    is ever wrapped under a root that is being retired without being re-wrapped.
    """

    __bind_key__ = "keys"
    __tablename__ = "key_epoch"

    id = db.Column(db.Integer, primary_key=True, autoincrement=False)
    epoch = db.Column(db.Integer, nullable=False)
    started_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class KeyShred(db.Model):
    """That a data key was shredded, and in which epoch (no key material).

    Kept for ever: ``backup restore`` shreds again, in a restored key store, every key
    listed here (and in the root file's retired epochs).
    """

    __bind_key__ = "keys"
    __tablename__ = "key_shreds"

    key_id = db.Column(db.Integer, primary_key=True, autoincrement=False)
    kind = db.Column(db.String(16), nullable=False)
    epoch = db.Column(db.Integer, nullable=False, index=True)
    shredded_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class IndexState(db.Model):
    """Which data keys make blind indexes now (one row, id 1; ``indexkeys.py``).

    ``current`` indexes new values (None: the legacy key derived from the master key);
    ``previous`` is still tried by lookups while a rotation re-indexes (``LEGACY`` = 0
    for the legacy key); ``generation`` names the tag that current's values carry.
    """

    __bind_key__ = "keys"
    __tablename__ = "index_state"

    id = db.Column(db.Integer, primary_key=True, autoincrement=False)
    current = db.Column(db.Integer, nullable=True)
    previous = db.Column(db.Integer, nullable=True)
    generation = db.Column(db.Integer, nullable=False, default=0)
    rotated_at = db.Column(UTCDateTime, nullable=True)
    # Members' keys shredded (rows of key_shreds) when the current key was made: more
    # now means a member was destroyed since, and the key is due to be replaced.
    member_shreds = db.Column(db.Integer, nullable=False, default=0)
