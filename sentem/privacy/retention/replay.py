"""After a restore: nobody destroyed since the backup comes back.

``gather()`` reads, before anything is overwritten, what the running shop has
destroyed or was about to: the members whose withdrawal was carried out, and those
whose withdrawal is complete but not yet carried out (withdrawal duties in the main
database, with their ids), every data key ever shredded (``key_shreds`` in the key store) and
the keys the root file lists as shredded in its retained epochs — the one record that
survives losing every database. ``replay()`` then applies it to the restored databases:

1. each destroyed member who is back in the main database is destroyed again, forced
   (no hold stops it: it was settled the first time) — with the archive move first
   when their key is still readable (the key store came from the backup). The duty
   keeps the id it had in the running shop, so its archive rows (``source="w<id>"``)
   are found wherever they already are and never moved twice; a member withdrawn but
   not yet destroyed gets their duty back as it was (same id, due and deadline) and
   their status ``withdrawn``, and the sweep carries it out on its normal terms;
   the duty ids then jump past every id the running shop used;
2. every shredded key that is back in the key store is shredded again;
3. archived records sealed under a key that is gone are deleted (before step 1 too,
   so that a member whose archived rows no longer open is archived again), and every
   archive day still held gets its expiry duty;
4. data-key ids jump past every id ever used, so no new key takes a destroyed key's id.

The sweep that follows (``backup restore`` runs it) re-keys the buckets, starts a
new epoch root and scrubs, as after any destruction.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, text

from ... import clock
from ...extensions import db
from ...security import aead, buckets, datakeys
from ...security.keystore import DataKey, KeyShred
from .. import members
from . import ledger, services, withdrawal
from .models import STEP_ARCHIVED, STEP_DESTROYED, STEP_PENDING, WITHDRAWAL, ArchivedRecord, Duty


@dataclass
class Facts:
    """What the running shop destroyed, or is about to (ids and dates, no personal data)."""

    members: set[int] = field(default_factory=set)
    duties: dict[int, int] = field(default_factory=dict)  # member id -> withdrawal duty id
    pending: dict[int, tuple] = field(default_factory=dict)  # member id -> (due, deadline, key id)
    max_duty_id: int = 0
    keys: set[int] = field(default_factory=set)
    max_key_id: int = 0
    sources: list[str] = field(default_factory=list)  # where the facts came from, for the report


def gather() -> Facts:
    """Read the destruction record of the running shop, from whatever can be reached."""
    facts = Facts()
    try:
        for duty in db.session.execute(select(Duty).where(Duty.kind == WITHDRAWAL)).scalars():
            member_id = int(duty.subject_ref)
            facts.duties[member_id] = duty.id
            if duty.step == STEP_DESTROYED or duty.status == "done":
                facts.members.add(member_id)
            else:
                facts.pending[member_id] = (duty.due_at, duty.deadline_at, duty.key_id)
        facts.max_duty_id = db.session.execute(select(func.max(Duty.id))).scalar() or 0
        facts.sources.append("main: withdrawal duties")
    except Exception:  # noqa: BLE001 - the main database is gone: the other sources still count
        db.session.rollback()
    try:
        facts.keys |= set(db.session.execute(select(KeyShred.key_id)).scalars())
        facts.max_key_id = max(db.session.execute(select(func.max(DataKey.id))).scalar() or 0,
                               max(facts.keys, default=0))
        facts.sources.append("key store: key_shreds")
    except Exception:  # noqa: BLE001
        db.session.rollback()
    root = buckets.root_file()
    epochs = [r["e"] for r in root.epochs()]
    facts.keys |= root.shredded_since(min(epochs)) if epochs else set()
    facts.max_key_id = max(facts.max_key_id, max(facts.keys, default=0))
    facts.sources.append("root file: retained epochs")
    db.session.rollback()
    return facts


def replay(facts: Facts, *, job: str = "restore") -> ledger.Summary:
    """Steps 1–4 of the module docstring on the restored databases (commits)."""
    now = clock.now()
    summary = ledger.Summary(run_id=ledger.new_run_id())
    _skip_duty_ids(facts.max_duty_id)
    # Archived rows that no key opens any more (sealed under a day key the restored key store
    # lacks) count as not archived: their members are archived again below, readable.
    _archive(summary, job)
    _destroy_members(facts, now, summary, job)
    _pending_withdrawals(facts)
    shredded = sum(1 for key_id in sorted(facts.keys) if datakeys.shred(key_id, deadline=now))
    db.session.commit()
    ledger.add(summary, "restore", "key_shred", shredded, job)
    _archive(summary, job)
    _skip_ids(facts.max_key_id)
    db.session.commit()
    return summary


def _destroy_members(facts: Facts, now: _dt.datetime, summary: ledger.Summary, job: str) -> None:
    members = db.metadatas[None].tables.get("members")
    if members is None:
        return
    back = dict(db.session.execute(select(members.c.id, members.c.data_key_id).where(
        members.c.id.in_(facts.members) | members.c.data_key_id.in_(facts.keys))).all())
    if not back:
        return
    duties = []
    for member_id, key_id in back.items():
        duty = _duty_as_before(facts, member_id, now)
        duty.status, duty.key_id, duty.due_at, duty.deadline_at = "pending", key_id, now, now + services.DEADLINE
        duty.step = STEP_PENDING if _opens(key_id) else STEP_ARCHIVED
        duties.append(duty)
    db.session.commit()
    withdrawal.run_batch(duties, summary, now, job, force=True)


def _duty_as_before(facts: Facts, member_id: int, now: _dt.datetime) -> Duty:
    """The member's withdrawal duty in the restored database, under the running shop's id."""
    duty = db.session.execute(select(Duty).filter_by(kind=WITHDRAWAL, record_class="member",
                                                     subject_ref=str(member_id))).scalar()
    if duty is not None:
        return duty
    duty_id = facts.duties.get(member_id)
    if duty_id is not None and db.session.get(Duty, duty_id) is None:
        duty = Duty(id=duty_id, kind=WITHDRAWAL, record_class="member", subject_ref=str(member_id),
                    key_id=members.data_key_id(member_id), due_at=now, deadline_at=now + services.DEADLINE,
                    status="pending", created_at=now, updated_at=now)
        db.session.add(duty)
        db.session.flush()
        return duty
    return services.schedule_withdrawal(member_id, at=now)


def _pending_withdrawals(facts: Facts) -> None:
    """Withdrawals complete in the running shop but not yet carried out: back as they were."""
    table = db.metadatas[None].tables.get("members")
    if table is None or not facts.pending:
        return
    back = set(db.session.execute(select(table.c.id).where(table.c.id.in_(list(facts.pending)))).scalars())
    for member_id in sorted(back):
        due, deadline, key_id = facts.pending[member_id]
        duty = _duty_as_before(facts, member_id, clock.as_utc(due))
        duty.due_at, duty.deadline_at = clock.as_utc(due), clock.as_utc(deadline)
        duty.key_id = duty.key_id or key_id
        if duty.status == "done":
            duty.status, duty.step = "pending", STEP_PENDING
        db.session.execute(table.update().where(table.c.id == member_id, table.c.status != "withdrawn")
                           .values(status="withdrawn", withdrawn_at=clock.as_utc(due)))
    db.session.commit()


def _opens(key_id: int | None) -> bool:
    if key_id is None:
        return False
    try:
        datakeys.raw_key(key_id)
    except aead.DecryptionError:
        return False
    return True


def _archive(summary: ledger.Summary, job: str) -> None:
    gone = [k for k in db.session.execute(select(ArchivedRecord.key_id).distinct()).scalars() if not _opens(k)]
    if gone:
        n = db.session.execute(delete(ArchivedRecord).where(ArchivedRecord.key_id.in_(gone))
                               .execution_options(synchronize_session=False)).rowcount
        db.session.commit()
        ledger.add(summary, "restore", "archive_destroy", n, job)
    for first in db.session.execute(select(func.min(ArchivedRecord.retain_until)).group_by(
            ArchivedRecord.key_id)).scalars():
        first = clock.as_utc(first)
        services.ensure_archive_duty(services.day_of(first), first)
    db.session.commit()


def _skip_duty_ids(max_duty_id: int) -> None:
    """The duty id counter past ``max_duty_id``: archive rows name their duty (``w<id>``), so a
    duty made after the restore must never take the id of one the running shop made."""
    current = db.session.execute(select(func.max(Duty.id))).scalar() or 0
    if max_duty_id <= current:
        return
    engine = db.engines[None]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('retention_duties', 'id'), :n)"),
                         {"n": max_duty_id})
        else:
            conn.execute(text("DELETE FROM sqlite_sequence WHERE name = 'retention_duties'"))
            conn.execute(text("INSERT INTO sqlite_sequence (name, seq) VALUES ('retention_duties', :n)"),
                         {"n": max_duty_id})


def _skip_ids(max_key_id: int) -> None:
    """The key store's id counter past ``max_key_id``: a destroyed key's id is never reused."""
    engine = db.engines["keys"]
    current = db.session.execute(select(func.max(DataKey.id))).scalar() or 0
    if max_key_id <= current:
        return
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('data_keys', 'id'), :n)"), {"n": max_key_id})
        else:
            conn.execute(text("DELETE FROM sqlite_sequence WHERE name = 'data_keys'"))
            conn.execute(text("INSERT INTO sqlite_sequence (name, seq) VALUES ('data_keys', :n)"), {"n": max_key_id})
