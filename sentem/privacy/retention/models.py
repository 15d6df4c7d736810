"""Retention rows: durable duties, holds and the destruction ledger (main database),
and archived records (the separate ``archive`` database).

Every pending archive move or destruction is a ``Duty`` row with its due date and
its deadline (due + ``DESTRUCTION_DEADLINE_DAYS``), so Redis or a worker can be lost
without losing a duty. The ledger (파기 관리대장) records what was moved or destroyed,
how many, when, how and by which job — never personal data.
"""
from __future__ import annotations

from ...db_types import UTCDateTime, utcnow
from ...extensions import db
from ...security.fields import Sealed

# Duty kinds.
WITHDRAWAL = "withdrawal"  # archive a withdrawn member's transaction records, destroy the rest, shred the key
ARCHIVE_EXPIRY = "archive_expiry"  # one per retain-until day: destroy expired records, then shred the day key
EXPIRE_SWEEP = "expire_sweep"  # standing duty per record class: expire() records of members who never withdrew
SCRUB = "scrub"  # a PostgreSQL table whose VACUUM FULL could not take its lock: retried each sweep
CLAIM = "ledger_claim"  # key-store or root-file destruction named first (``claims.py``): open until its ledger row

# Withdrawal progress: each step is committed with its ledger rows, so a crash resumes at the next one.
STEP_PENDING, STEP_ARCHIVED, STEP_DESTROYED = "pending", "archived", "destroyed"


class Duty(db.Model):
    """One durable retention duty (main database)."""

    __tablename__ = "retention_duties"
    # Ids are never reused (SQLite would reuse the highest after a delete): archive rows name
    # their withdrawal duty by id (``source="w<id>"``), across restores too.
    __table_args__ = (db.UniqueConstraint("kind", "record_class", "subject_ref",
                                          name="uq_retention_duties_subject"),
                      {"sqlite_autoincrement": True})

    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(24), nullable=False)
    record_class = db.Column(db.String(48), nullable=False)  # "member" for a withdrawal
    subject_ref = db.Column(db.String(64), nullable=False)  # member id, archive day, class key
    # The member's data key (withdrawals): copied at scheduling time so that it can be
    # shredded even after the member row is gone.
    key_id = db.Column(db.Integer, nullable=True)
    step = db.Column(db.String(16), nullable=False, default=STEP_PENDING)
    status = db.Column(db.String(12), nullable=False, default="pending", index=True)  # pending | held | done
    due_at = db.Column(UTCDateTime, nullable=False, index=True)
    deadline_at = db.Column(UTCDateTime, nullable=False, index=True)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    last_error = db.Column(db.String(200), nullable=True)  # exception class and step, no personal data
    hold_reason = db.Column(db.String(200), nullable=True)
    done_at = db.Column(UTCDateTime, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class RetentionHold(db.Model):
    """A record under an open dispute: kept past its period until the hold is released."""

    __tablename__ = "retention_holds"

    id = db.Column(db.Integer, primary_key=True)
    record_class = db.Column(db.String(48), nullable=False)
    ref = db.Column(db.String(64), nullable=False, index=True)  # order number or duty subject
    reason = db.Column(db.String(200), nullable=False)
    placed_by = db.Column(db.Integer, nullable=True)  # staff id
    placed_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    released_at = db.Column(UTCDateTime, nullable=True)
    released_by = db.Column(db.Integer, nullable=True)


class DestructionLedger(db.Model):
    """파기 관리대장: one row per run, record class and action. No personal data."""

    __tablename__ = "destruction_ledger"
    __table_args__ = (db.UniqueConstraint("run_id", "record_class", "action",
                                          name="uq_destruction_ledger_run"),)

    id = db.Column(db.Integer, primary_key=True)
    run_id = db.Column(db.String(32), nullable=False, index=True)
    record_class = db.Column(db.String(48), nullable=False)
    # archive_move | destroy | expire | archive_destroy | key_shred | archive_key_shred
    action = db.Column(db.String(24), nullable=False)
    count = db.Column(db.Integer, nullable=False, default=0)
    method = db.Column(db.String(120), nullable=False)
    job = db.Column(db.String(64), nullable=False)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)


class ArchivedRecord(db.Model):
    """A record kept in the separate archive database (분리보관) until ``retain_until``.

    The payload is sealed under the archive key of ``retain_until``'s day (KST; a data
    key of kind ``archive`` in the key store): when the day's records are gone the key is
    shredded. The order number stays plain so staff can find a record when the law asks.
    """

    __bind_key__ = "archive"
    __tablename__ = "archived_records"
    __table_args__ = (
        db.UniqueConstraint("source", "seq", name="uq_archived_records_source_seq"),
        # The sweep's per-class count of due records reads this index alone (an index-only
        # scan on PostgreSQL once autovacuum has marked the pages all-visible, as it does for
        # an insert-only table long before a record is due): hold_reason is carried for its
        # filter. Range reads on retain_until use it too.
        db.Index("ix_archived_records_due", "retain_until", "record_class", postgresql_include=["hold_reason"]),
    )

    id = db.Column(db.Integer, primary_key=True)
    record_class = db.Column(db.String(48), nullable=False)
    order_no = db.Column(db.String(64), nullable=True, index=True)
    # Which duty moved it ("w<duty id>") and its position: makes the move idempotent.
    source = db.Column(db.String(32), nullable=False)
    seq = db.Column(db.Integer, nullable=False)
    key_id = db.Column(db.Integer, nullable=False, index=True)  # archive day key
    # Items of several record classes, sealed together under the archive day key.
    payload_ct = db.Column(Sealed, nullable=False, info={"archive_payload": True, "encrypted": True})
    legal_basis_ko = db.Column(db.String(200), nullable=False)
    legal_basis_en = db.Column(db.String(200), nullable=False)
    occurred_at = db.Column(UTCDateTime, nullable=False)
    retain_until = db.Column(UTCDateTime, nullable=False)
    archived_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    hold_reason = db.Column(db.String(200), nullable=True)


class ArchiveReceipt(db.Model):
    """How many records of a class one archive-expiry transaction destroyed, written in that
    same archive transaction (no personal data).

    The ledger lives in the main database, which commits after the archive: a sweep killed
    in between leaves its receipts, and the next sweep raises that run's ledger rows to them
    (``archive.complete_ledger``), then deletes the receipts it has seen matched.
    """

    __bind_key__ = "archive"
    __tablename__ = "archive_receipts"

    id = db.Column(db.Integer, primary_key=True)
    run_id = db.Column(db.String(32), nullable=False, index=True)
    job = db.Column(db.String(64), nullable=False)
    record_class = db.Column(db.String(48), nullable=False)
    count = db.Column(db.Integer, nullable=False)
    at = db.Column(UTCDateTime, nullable=False)


class SweepLease(db.Model):
    """Who is sweeping now: one sweep at a time across processes and machines.

    The holder is ``host:pid``; a lease past ``expires_at`` — or held by a dead process
    on this host (a worker killed mid-sweep) — may be taken over.
    """

    __tablename__ = "retention_sweep_lease"

    name = db.Column(db.String(32), primary_key=True)
    holder = db.Column(db.String(120), nullable=True)
    expires_at = db.Column(UTCDateTime, nullable=True)
