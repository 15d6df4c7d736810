"""Which day key a record with a retention period is sealed under (``daykeys``).

Two kinds of day key, both data keys of the key store (kind ``expiry``):

* ``until:YYYY-MM-DD`` — the record's retain-until day (KST). The retention run
  shreds it once that day is over (its records were expired by then; any still
  there, held by a dispute, are first sealed again under a later day).
* ``open:YYYY-MM-DD`` — the day a record was written whose retain-until is not known
  yet (an inquiry before its answer: the 3 years count from the answer). When the
  end becomes known the record is sealed again under its ``until`` day, and the
  ``open`` key is shredded once no record is left under it and its day is over — so
  copies from before the answer die with it.

A record is never sealed under a day already over: the day is at least today.

The keys of the coming days are made ahead by the sweep (``prepare``), each in a short
transaction of its own, so that writers only read them: a key made inside a writer's
transaction would make every other writer of that day wait on it (the key store is
another database, where PostgreSQL sees no deadlock across the two). A writer still
makes a missing one itself (a new installation before its first sweep).
"""
from __future__ import annotations

import datetime as _dt
import functools

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from . import buckets, datakeys, keycache
from .keystore import DataKey, KeyEpoch

KIND = "expiry"
UNTIL, OPEN = "until", "open"


def label(kind: str, day: _dt.date) -> str:
    return f"{kind}:{day.isoformat()}"


def parse_label(text: str) -> tuple[str, _dt.date]:
    """(``until`` or ``open``, day) of a day key's label."""
    kind, _, day = text.partition(":")
    return kind, _dt.date.fromisoformat(day)


def day_of(until: _dt.datetime | None, not_before: _dt.datetime | None = None) -> tuple[str, _dt.date]:
    """The (kind, day) of the key a record ending at ``until`` (None: not known yet) is sealed
    under: never a day before today (or ``not_before``'s day), which may already be closed."""
    today = max(clock.today(), clock.to_kst(not_before).date() if not_before else clock.today())
    if until is None:
        return OPEN, today
    return UNTIL, max(clock.to_kst(until).date(), today)


def key_for(until: _dt.datetime | None, not_before: _dt.datetime | None = None) -> int:
    """The id of the day key for a record ending at ``until``, made on first use."""
    return key_named(label(*day_of(until, not_before)))


def key_named(name: str) -> int:
    """The id of the day key ``name``, made on first use (flushed, in the caller's
    transaction: a record rolled back takes its new key with it).

    A key another transaction made (committed, since this one could read it) is remembered
    for the rest of this app context, beside the unwrapped keys (``datakeys.forget`` drops
    it with them): a request that seals two records under one day reads its id once. A key
    the open transaction made (``keycache.made``, by whatever path) is not remembered until
    that transaction commits: it may still roll back, and a rolled-back key must never be
    used again."""
    memo = buckets.context_cache()
    if memo is not None and ("day key", name) in memo:
        return memo[("day key", name)]
    key_id = _id_of(name)
    if key_id is not None:
        if memo is not None and not keycache.made(db.session, key_id):
            memo[("day key", name)] = key_id
        return key_id
    return _make(name)


def _id_of(name: str) -> int | None:
    """The id of the day key ``name``; None when there is none."""
    return db.session.execute(_id_query(), {"label": name}).scalar_one_or_none()


@functools.cache
def _id_query():
    # Built once: every record sealed under a day key asks (the checkout's delivery request).
    return select(DataKey.id).where(DataKey.kind == KIND, DataKey.label == bindparam("label"))


def _make(name: str) -> int:
    if db.session.get_bind(mapper=DataKey).dialect.name == "sqlite":
        # pysqlite opens no transaction for reads, so a SAVEPOINT here would be the outermost
        # transaction and its RELEASE a commit (a HEAD request's key would stay). Take the key
        # store's write lock instead (a no-op UPDATE): then nobody inserts this label first.
        db.session.execute(update(KeyEpoch).where(KeyEpoch.id == 1).values(epoch=KeyEpoch.epoch))
        return _id_of(name) or datakeys.create(kind=KIND, label=name)
    try:
        with db.session.begin_nested():
            return datakeys.create(kind=KIND, label=name)
    except IntegrityError:  # another process made it first
        return db.session.execute(_id_query(), {"label": name}).scalar_one()


def prepare(retentions, now: _dt.datetime | None = None, days_ahead: int = 2) -> int:
    """Make the day keys writers will need from today to ``days_ahead`` days on: each
    ``open`` day and each retention's end counted from it (commits each); returns how many."""
    now = clock.as_utc(now) if now else clock.now()
    names = set()
    for ahead in range(days_ahead + 1):
        start = now + _dt.timedelta(days=ahead)
        names.add(label(OPEN, clock.to_kst(start).date()))
        names.update(label(UNTIL, clock.to_kst(r.until(start)).date()) for r in retentions if r.bounded)
    made = 0
    for name in sorted(names):
        if _id_of(name) is None:
            key_named(name)
            made += 1
        db.session.commit()
    return made


def due(as_of: _dt.datetime) -> list[tuple[int, str, _dt.date]]:
    """(key id, kind, day) of every day key whose day is over at ``as_of``, oldest first."""
    today = clock.to_kst(as_of).date()
    out = []
    for key_id, name in datakeys.labelled_keys(KIND):
        kind, day = parse_label(name)
        if day < today:
            out.append((key_id, kind, day))
    return sorted(out, key=lambda k: (k[2], k[0]))


def deadline(kind: str, day: _dt.date, as_of: _dt.datetime) -> _dt.datetime:
    """When every copy under this day key must be unreadable: 5 days after the start of
    its retain-until day (so never later than retain-until + 5 days); for an ``open`` key,
    5 days from now (its records live on under their ``until`` keys)."""
    if kind == UNTIL:
        return clock.start_of_day(day) + datakeys.DEADLINE
    return clock.as_utc(as_of) + datakeys.DEADLINE
