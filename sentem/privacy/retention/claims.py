"""Destruction the ledger must record, done in another database or file than the ledger.

The key store commits a shred or a bucket's new key, the root file an erased root; the
ledger, in the main database, commits after them. So each such piece of work is first
named by an open duty (``CLAIM``, main database, committed: ``subject_ref`` is
``<ledger action>:<what>``), and the duty ends in the same transaction as its ledger row.
A run stopped in between leaves the duty open; the next run sees the work done in the
key store or the root file and writes the row then (``recover``). An open duty whose work
is not done yet is taken up again by its step. Archived records leave receipts instead
(``archive.complete_ledger``).
"""
from __future__ import annotations

import datetime as _dt
import logging

from sqlalchemy import select

from ... import clock
from ...extensions import db
from ...security import buckets, datakeys
from ...security.keystore import DataKey, KeyBucket, KeyShred
from . import faults, ledger
from .models import CLAIM, Duty

log = logging.getLogger("sentem.retention")
DONE, OPEN, VANISHED = "done", "open", "vanished"


def shred(key_id: int, deadline: _dt.datetime, record_class: str, action: str,
          summary: ledger.Summary, job: str) -> None:
    """Shred a day key with its ledger row exactly once, whatever stops the run (three commits).
    ``recover`` runs first in the sweep: it ledgers what a stopped run shredded."""
    duty, left_open = _claim(f"{action}:{key_id}", record_class, deadline, key_id=key_id)
    db.session.commit()  # the shred is named before it happens
    existed = datakeys.shred(key_id, deadline=deadline)
    db.session.commit()  # the key store's transaction: the key is gone
    faults.point(f"after_{action}_commit")
    if existed or (left_open and _state(duty) == DONE):
        _finish(duty, summary, job)
    else:  # gone, and not by a shred this duty named: nothing to count
        _end(duty)
    db.session.commit()


def name_shred(key_id: int, deadline: _dt.datetime, record_class: str, action: str) -> Duty:
    """Name a shred that code outside the sweep carries out (the index-key rotation); committed."""
    duty, _ = _claim(f"{action}:{key_id}", record_class, deadline, key_id=key_id)
    db.session.commit()
    return duty


class EpochWork:
    """Names what ``datakeys.after_destruction`` is about to do, just before it does it
    (passed as its ``name``): each bucket getting a new key, by id and generation, and each
    root about to be erased, even one retired in the same call. Each naming commits."""

    def __init__(self, as_of: _dt.datetime):
        self.as_of = as_of
        self.duties: list[Duty] = []

    def __call__(self, action: str, items: list) -> None:
        if action == "bucket_rekey":
            self.duties += [_claim(f"bucket_rekey:{bucket_id}:{gen}", "keys", clock.as_utc(by))[0]
                            for bucket_id, gen, by in items]
        else:
            self.duties += [_claim(f"root_erase:{epoch}", "keys", self.as_of + datakeys.DEADLINE)[0]
                            for epoch in items]
        db.session.commit()


def settle(duties: list[Duty], summary: ledger.Summary, job: str) -> dict[str, int]:
    """Named work that is done: its ledger rows, its duties ended (not committed). Returns
    how many per ledger action; the others stay open."""
    settled: dict[str, int] = {}
    for duty in duties:
        if _state(duty) == DONE:
            _finish(duty, summary, job)
            action = _action(duty)
            settled[action] = settled.get(action, 0) + 1
    return settled


def recover(summary: ledger.Summary, job: str) -> int:
    """Open duties of a stopped run: ledgered and ended when their work is done; returns how many."""
    done = 0
    for duty in db.session.execute(select(Duty).where(Duty.kind == CLAIM, Duty.status == "pending")
                                   .order_by(Duty.id)).scalars().all():
        state = _state(duty)
        if state == OPEN:
            continue  # not done yet: its step does it (with this duty) when it comes round
        if state == DONE:
            log.warning("retention: %s was done by a stopped run; its ledger row is written now", duty.subject_ref)
            _finish(duty, summary, job)
        else:  # gone another way (a restore took it): nothing this duty named was done
            _end(duty)
        done += 1
    db.session.commit()
    return done


def _state(duty: Duty) -> str:
    action, ref = duty.subject_ref.split(":", 1)
    if action == "bucket_rekey":
        bucket_id, gen = (int(x) for x in ref.split(":"))
        bucket = db.session.get(KeyBucket, bucket_id, populate_existing=True)
        return VANISHED if bucket is None else DONE if bucket.gen > gen else OPEN
    if action == "root_erase":
        return OPEN if int(ref) in {r["e"] for r in buckets.root_file().epochs()} else DONE
    if db.session.get(DataKey, duty.key_id) is not None:  # a key shred
        return OPEN
    return DONE if db.session.get(KeyShred, duty.key_id) is not None else VANISHED


def _claim(ref: str, record_class: str, deadline: _dt.datetime, key_id: int | None = None) -> tuple[Duty, bool]:
    """The open duty naming ``ref``; and whether a stopped run had left it open. A ref met
    again (a key store restored from a backup: a bucket back at an older generation) reopens
    its done duty."""
    duty = db.session.execute(select(Duty).filter_by(kind=CLAIM, record_class=record_class,
                                                     subject_ref=ref)).scalar_one_or_none()
    if duty is not None and duty.status == "pending":
        return duty, True
    if duty is None:
        now = clock.now()
        duty = Duty(kind=CLAIM, record_class=record_class, subject_ref=ref, key_id=key_id, status="pending",
                    due_at=now, deadline_at=clock.as_utc(deadline), created_at=now, updated_at=now)
        db.session.add(duty)
    else:  # restored from a backup and done again: new work, ledgered again
        duty.status, duty.done_at, duty.deadline_at = "pending", None, clock.as_utc(deadline)
    return duty, False


def _action(duty: Duty) -> str:
    return duty.subject_ref.split(":", 1)[0]


def _finish(duty: Duty, summary: ledger.Summary, job: str) -> None:
    ledger.add(summary, duty.record_class, _action(duty), 1, job)
    _end(duty)


def _end(duty: Duty) -> None:
    # Kept, done, not deleted: a deleted row would make the duties table itself one the
    # scrub must rewrite, for marks that hold no personal data.
    duty.status, duty.done_at = "done", clock.now()
