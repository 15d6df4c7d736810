"""Epochs: after a destruction run, re-key what lost a key, start a new root, erase old ones.

``after_destruction()`` is called by the retention sweep once per run:

1. every bucket marked by a shred gets a new key, its data keys re-wrapped (under
   the *current* root: the old bucket key must never be wrapped under a new one);
2. if any bucket was re-keyed, a new epoch begins: a fresh root in the root file, the
   epoch row updated, every bucket key re-wrapped under the new root (commits per batch);
3. every retired root whose time has come is erased from the root file — at most
   ``rootkey.GRACE`` after retiring, and ``rootkey.MARGIN`` before the earliest
   deadline of a shred it covers (at once when that is already past).

A crash anywhere leaves a state the next run finishes: marked buckets stay marked,
a root file ahead of the epoch row is caught up (``resume``), buckets under an old
epoch are re-wrapped before their root is erased.
"""
from __future__ import annotations

import datetime as _dt
import logging

from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from . import buckets, rootkey
from .keystore import KeyBucket, KeyEpoch, KeyShred

log = logging.getLogger("sentem.keys")


def after_destruction(legacy_ring, now: _dt.datetime | None = None, name=None) -> dict:
    """Steps 1–3 above; returns what was done (counts only).

    ``name(action, items)``, when given, is called just before each kind of work with
    everything it covers: ``("bucket_rekey", [(bucket id, generation, rekey_by), …])`` and
    ``("root_erase", [epoch, …])`` — the retention sweep names it there for its ledger.
    """
    now = now or clock.now()
    resume()
    marked = db.session.execute(select(KeyBucket.id, KeyBucket.gen, KeyBucket.rekey_by)
                                .where(KeyBucket.rekey_by.is_not(None)).order_by(KeyBucket.id)).all()
    if marked and name is not None:
        name("bucket_rekey", marked)
    rewrapped = 0
    for bucket_id, _, _ in marked:
        rewrapped += buckets.rekey(bucket_id, legacy_ring)
        db.session.commit()
    done = {"buckets_rekeyed": len(marked), "data_keys_rewrapped": rewrapped, "epoch": None, "erased": []}
    if marked:
        erase_by = min(clock.as_utc(by) for _, _, by in marked)
        done["epoch"] = new_epoch(now, erase_by)
    done["erased"] = erase_due(now, name)
    if marked or done["erased"]:
        log.info("keys: %s", done)
    return done


def new_epoch(now: _dt.datetime, erase_by: _dt.datetime | None = None) -> int:
    """Retire the current root, start a new one and re-wrap every bucket key under it."""
    root = buckets.root_file()
    epoch = root.rotate(now, erase_by, _shreds_by_epoch())
    _set_epoch(epoch, now)
    buckets.rewrap_under(epoch)
    return epoch


def erase_due(now: _dt.datetime, name=None) -> list[int]:
    """Erase the retired roots that are due, once no bucket key is held under them.
    ``name``: as for ``after_destruction``, called before any lock is taken."""
    root = buckets.root_file()
    due = [r["e"] for r in root.epochs() if r["retired"] and clock.as_utc(_dt.datetime.fromisoformat(
        r["erase_at"])) <= now]
    if not due:
        return []
    if name is not None:
        name("root_erase", due)
    current = buckets.current_epoch(lock=None)
    db.session.commit()
    if db.session.execute(select(func.count(KeyBucket.id)).where(KeyBucket.epoch < current)).scalar_one():
        buckets.rewrap_under(current)
    # Buckets a process is creating right now hold the epoch row's share lock: wait for
    # them by taking it for update, and keep whatever epoch they still use.
    buckets.current_epoch(lock="update")
    keep = set(db.session.execute(select(KeyBucket.epoch).distinct()).scalars())
    erased = root.erase_due(now, keep=keep)
    db.session.commit()
    return erased


def resume() -> None:
    """Catch the epoch row up with the root file after a crash between the two."""
    file_epoch = buckets.root_file().current()[0]
    db_epoch = buckets.current_epoch(lock=None)
    if file_epoch > db_epoch:
        db.session.commit()
        buckets.root_file().record(_shreds_by_epoch())
        _set_epoch(file_epoch, clock.now())
        buckets.rewrap_under(file_epoch)
    elif file_epoch < db_epoch:
        raise rootkey.RootMissing(
            f"the key store is at epoch {db_epoch} but the root file only reaches {file_epoch}: "
            "the root file was replaced by an older copy")
    else:
        db.session.commit()


def rewrap_all(now: _dt.datetime | None = None) -> int:
    """A new epoch now (``keys rotate``): every bucket key re-wrapped under a fresh root.

    The retired root is erased after the grace period, as after any destruction run.
    Returns how many bucket keys were re-wrapped.
    """
    resume()
    before = db.session.execute(select(func.count(KeyBucket.id))).scalar_one()
    new_epoch(now or clock.now())
    return before


def late_roots(now: _dt.datetime) -> list[int]:
    """Retired roots still held a day past their erase time: no sweep has run (health check)."""
    late = now - _dt.timedelta(days=1)
    return [r["e"] for r in buckets.root_file().epochs()
            if r["retired"] and clock.as_utc(_dt.datetime.fromisoformat(r["erase_at"])) <= late]


def status() -> dict:
    """The epoch in use and the roots held (no key material)."""
    return {"epoch": buckets.current_epoch(lock=None), "roots": buckets.root_file().epochs()}


def _set_epoch(epoch: int, now: _dt.datetime) -> None:
    buckets.current_epoch(lock="update")  # waits for buckets being created under the old epoch
    row = db.session.get(KeyEpoch, 1)
    row.epoch, row.started_at = epoch, now
    db.session.commit()


def _shreds_by_epoch() -> dict[int, list[int]]:
    """Shredded data keys per epoch still held in the root file (for restores)."""
    held = [r["e"] for r in buckets.root_file().epochs()]
    if not held:
        return {}
    out: dict[int, list[int]] = {}
    for key_id, epoch in db.session.execute(select(KeyShred.key_id, KeyShred.epoch)
                                            .where(KeyShred.epoch >= min(held))):
        out.setdefault(epoch, []).append(key_id)
    return out
