"""Key shreds the ledger must record, across two databases (day keys, the index key).

The key store commits a shred; the ledger, in the main database, commits after it. So
each shred is first named by an open duty (``KEY_SHRED``, main database, committed), and
the duty ends in the same transaction as the ledger row. A sweep stopped after the shred
leaves the duty open; the next sweep finds the key listed as shredded and writes the row
then (``recover``). A duty whose key is still there is simply shredded again by its step.
Archive-day keys name their shred on their own duty (``archive.close_days``).
"""
from __future__ import annotations

import datetime as _dt
import logging

from sqlalchemy import select

from ... import clock
from ...extensions import db
from ...security import datakeys
from ...security.keystore import DataKey, KeyShred
from . import faults, ledger
from .models import KEY_SHRED, Duty

log = logging.getLogger("sentem.retention")


def shred(key_id: int, deadline: _dt.datetime, record_class: str, action: str,
          summary: ledger.Summary, job: str) -> None:
    """Shred a day key with its ledger row exactly once, whatever stops the run (three commits).
    Call ``recover`` first in the run: it ledgers what a stopped run shredded."""
    duty, left_open = _claim(key_id, deadline, record_class, action)
    db.session.commit()  # the shred is named before it happens
    existed = datakeys.shred(key_id, deadline=deadline)
    db.session.commit()  # the key store's transaction: the key is gone
    faults.point(f"after_{action}_commit")
    if existed or (left_open and db.session.get(KeyShred, key_id) is not None):
        _finish(duty, summary, job)
    else:  # gone, and not by a shred this duty named: nothing to count
        duty.status, duty.done_at = "done", clock.now()
    db.session.commit()


def name(key_id: int, deadline: _dt.datetime, record_class: str, action: str) -> Duty:
    """Name a shred that code outside the sweep carries out (the index-key rotation); committed.
    ``settle`` after it, or ``recover`` in the next run."""
    duty, _ = _claim(key_id, deadline, record_class, action)
    db.session.commit()
    return duty


def settle(duty: Duty, summary: ledger.Summary, job: str) -> bool:
    """A named shred that happened: its ledger row, the duty ended (not committed). False
    (the duty left open) while the key is still there."""
    if db.session.get(DataKey, duty.key_id) is not None or db.session.get(KeyShred, duty.key_id) is None:
        return False
    _finish(duty, summary, job)
    return True


def recover(summary: ledger.Summary, job: str) -> int:
    """Open shred duties of a stopped run: ledgered and ended when their key is gone; returns how many."""
    done = 0
    for duty in db.session.execute(select(Duty).where(Duty.kind == KEY_SHRED, Duty.status == "pending")
                                   .order_by(Duty.id)).scalars().all():
        if db.session.get(DataKey, duty.key_id) is not None:
            continue  # not shredded yet: its step shreds it (with this duty) when it is due
        if db.session.get(KeyShred, duty.key_id) is not None:
            log.warning("retention: key %s was shredded by a stopped run; its ledger row is written now", duty.key_id)
            _finish(duty, summary, job)
        else:  # gone without a shred record (a restore took it): nothing was destroyed by this duty
            duty.status, duty.done_at = "done", clock.now()
        done += 1
    db.session.commit()
    return done


def _claim(key_id: int, deadline: _dt.datetime, record_class: str, action: str) -> tuple[Duty, bool]:
    """The key's shred duty, open; and whether a stopped run had left it open."""
    ref = f"{action}:{key_id}"  # key ids are never reused, across restores too
    duty = db.session.execute(select(Duty).filter_by(kind=KEY_SHRED, record_class=record_class,
                                                     subject_ref=ref)).scalar_one_or_none()
    if duty is not None and duty.status == "pending":
        return duty, True
    if duty is None:
        now = clock.now()
        duty = Duty(kind=KEY_SHRED, record_class=record_class, subject_ref=ref, key_id=key_id,
                    status="pending", due_at=now, deadline_at=clock.as_utc(deadline), created_at=now, updated_at=now)
        db.session.add(duty)
    else:  # a key restored from a backup and shredded again: a new shred, ledgered again
        duty.status, duty.done_at = "pending", None
    return duty, False


def _finish(duty: Duty, summary: ledger.Summary, job: str) -> None:
    action = duty.subject_ref.split(":", 1)[0]
    ledger.add(summary, duty.record_class, action, 1, job)
    duty.status, duty.done_at = "done", clock.now()
