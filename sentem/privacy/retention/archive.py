"""The archive database: expiry of archived records, day-key shredding, and reading.

Records past retain-until are deleted in keyset batches (an id span per batch, one
archive transaction each); held records stay, and their hold shows on the day's duty.
Each batch's transaction also writes its receipts (how many of each class went); the
ledger, in the main database, commits after it, so the next run raises the ledger rows of
a run stopped in between to its receipts (``complete_ledger``). A day key's shred is named
before it happens (``claims.shred``), for the same reason.
Records are sealed under the key of their retain-until day (KST): once that day's
records are gone the key is shredded in the same sweep — with the sweep hourly, within
a day of retain-until — and the epoch root that wrapped its copies is erased before
retain-until + 5 days (``security/epochs.py``). A record archived later for an
already-closed day gets a new key of its own.
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
from collections import Counter

from sqlalchemy import String, delete, func, insert, literal, select, text, true

from ... import clock
from ...db_types import UTCDateTime
from ...extensions import db
from ...security import datakeys
from ...security.datakeys import DataKey
from . import claims, faults, ledger, services
from .models import ARCHIVE_EXPIRY, ArchivedRecord, ArchiveReceipt, Duty, RetentionHold

log = logging.getLogger("sentem.retention")

_ROWS_PER_PAGE = 30  # a never-analysed table: an archived record takes about 250 bytes of an 8 kB page
# Rows per archive-expiry transaction. None of them is held in Python (a count and a DELETE),
# so a span is bounded by its transaction, not by memory. Each span costs a count read (written
# as its receipts) and two commits: at 100,000 due rows on PostgreSQL, one span ran at 0.58x a
# raw DELETE and spans of 50,000 at 0.44x (best of 4 alternating runs, before receipts); at
# 1,000,000, spans of 250,000 cost as much as spans of 50,000.
SPAN_ROWS = 150_000


def sync_holds() -> None:
    """Make every hold in force visible on the archived records it covers (commits the archive)."""
    holds = db.session.execute(select(RetentionHold).where(RetentionHold.released_at.is_(None))).scalars().all()
    for hold in holds:
        db.session.execute(ArchivedRecord.__table__.update().where(
            ArchivedRecord.record_class.in_(sorted(services.order_family(hold.record_class))),
            ArchivedRecord.order_no == hold.ref,
            ArchivedRecord.hold_reason.is_(None)).values(hold_reason=hold.reason))
    db.session.commit()


def is_due(as_of: _dt.datetime):
    """The condition of an archived record the sweep destroys at ``as_of``: past retain-until, not held."""
    return (ArchivedRecord.retain_until <= as_of) & ArchivedRecord.hold_reason.is_(None)


def expire_records(as_of: _dt.datetime, batch_size: int, summary: ledger.Summary, job: str,
                   progress=None) -> int:
    """Delete archived records past retain-until (not held), in batches of about ``batch_size`` (``_spans``)."""
    expired = is_due(as_of)
    if summary.dry_run:
        for rc_key, n in db.session.execute(select(ArchivedRecord.record_class, func.count(ArchivedRecord.id))
                                            .where(expired).group_by(ArchivedRecord.record_class)).all():
            summary.counts[(rc_key, "archive_destroy")] += n
        return 0
    matched = complete_ledger(summary.run_id)
    total = 0
    for span in _spans(db.engines["archive"], as_of, batch_size):
        gone = _destroy(expired & span, summary.run_id, job, matched)
        db.session.commit()  # the archive transaction of this batch, with its receipts
        matched = []
        faults.point("after_archive_expiry_commit")
        ledger.add_counts(summary, gone, "archive_destroy", job)
        db.session.commit()
        n = sum(gone.values())
        total += n
        if progress and n:
            progress(n)
    if matched:
        _forget_receipts(matched)
        db.session.commit()
    return total


def _destroy(in_span, run_id: str, job: str, matched: list[str]) -> Counter:
    """Delete a span's due records and write their receipts (no commit); returns the counts per class."""
    _forget_receipts(matched)
    # The receipts are the ledger counts: one read of the span, written by the database
    # itself, then one DELETE. ``DELETE … RETURNING`` counts in one statement but fetches
    # every deleted row again (on PostgreSQL the sweep ran at 0.26-0.47x a raw DELETE with
    # it, 0.56-0.57x with the read; 100k rows, same run, busy machine), and as a CTE feeding
    # the count its rows are materialised (0.44x against 0.59x with the read, same run).
    now = clock.now()
    counted = select(literal(run_id, String), literal(job, String), ArchivedRecord.record_class,
                     func.count(), literal(now, UTCDateTime)).where(in_span).group_by(ArchivedRecord.record_class)
    gone = Counter(dict(db.session.execute(
        insert(ArchiveReceipt).from_select(["run_id", "job", "record_class", "count", "at"], counted)
        .returning(ArchiveReceipt.record_class, ArchiveReceipt.count)).all()))
    removed = db.session.execute(delete(ArchivedRecord).where(in_span)
                                 .execution_options(synchronize_session=False)).rowcount
    if removed == sum(gone.values()):
        return gone
    # A hold landed between the count and the delete: redo the span by class.
    db.session.rollback()
    _forget_receipts(matched)
    gone = Counter()
    for rc_key in db.session.execute(select(ArchivedRecord.record_class).where(in_span)
                                     .distinct()).scalars().all():
        gone[rc_key] = db.session.execute(
            delete(ArchivedRecord).where(in_span, ArchivedRecord.record_class == rc_key)
            .execution_options(synchronize_session=False)).rowcount
    db.session.add_all(ArchiveReceipt(run_id=run_id, job=job, record_class=rc_key, count=n, at=now)
                       for rc_key, n in gone.items() if n)
    return +gone


def complete_ledger(run_id: str) -> list[str]:
    """Earlier runs' receipts: their ledger rows raised to them (committed when any was short).
    Returns those runs, whose receipts may now go (``_forget_receipts``)."""
    found: dict[tuple[str, str], dict[str, int]] = {}
    last: dict[tuple[str, str], _dt.datetime] = {}
    for run, job, rc_key, n, at in db.session.execute(
            select(ArchiveReceipt.run_id, ArchiveReceipt.job, ArchiveReceipt.record_class,
                   func.sum(ArchiveReceipt.count), func.max(ArchiveReceipt.at))
            .where(ArchiveReceipt.run_id != run_id)
            .group_by(ArchiveReceipt.run_id, ArchiveReceipt.job, ArchiveReceipt.record_class)).all():
        found.setdefault((run, job), {})[rc_key] = int(n)
        last[(run, job)] = max(clock.as_utc(at), last.get((run, job), clock.as_utc(at)))
    short = False
    for (run, job), counts in found.items():
        added = ledger.raise_to(run, "archive_destroy", counts, job, last[(run, job)])
        if added:
            short = True
            log.warning("retention: run %s was stopped before its ledger rows; archive_destroy added "
                        "from the archive's receipts: %s", run, added)
    if short:
        db.session.commit()  # the ledger is whole before any receipt goes
    return sorted({run for run, _ in found})


def _forget_receipts(runs: list[str]) -> None:
    if runs:
        db.session.execute(delete(ArchiveReceipt).where(ArchiveReceipt.run_id.in_(runs)))


def _spans(engine, as_of: _dt.datetime, batch_size: int):
    """Conditions, one per batch, that split the table into spans of about ``batch_size`` rows.

    SQLite: id spans between the lowest and highest expired id (found in the due index,
    which holds the rowid) — keyset, no OFFSET scans, no rescans of earlier batches.
    PostgreSQL: spans of heap pages (``ctid`` ranges, a TID range scan): each batch reads
    its own pages in order, as the one raw ``DELETE`` reads the table, where an id span
    fetched row by row through the primary key cost half as much again. Pages per batch
    come from the table's statistics (rows per page); the page count is taken once, so
    rows written during the run (never due yet) wait for the next one.

    One span with no bound at all (rows written during the run are not due either) when at
    most ``batch_size`` records are due and a bound would read far more rows than that: a
    PostgreSQL table of more than one span, a SQLite id range twice as wide. The due index
    then finds them, so an hourly sweep's cost follows the due records, not the archive's
    size; on PostgreSQL the count reads that index alone. Nothing else moves an archived
    row while the sweep holds its lease (``sync_holds`` runs before, the scrub after).
    """
    if engine.dialect.name != "postgresql":
        low, high = db.session.execute(select(func.min(ArchivedRecord.id), func.max(ArchivedRecord.id))
                                       .where(ArchivedRecord.retain_until <= as_of)).one()
        if low is None:
            return
        n_due = _count_due(as_of, batch_size)
        if n_due <= batch_size and 2 * n_due <= high - low + 1:  # sparse in their ids: one span, by the index
            yield true()
            return
        for start in range(low - 1, high, batch_size):
            yield (ArchivedRecord.id > start) & (ArchivedRecord.id <= start + batch_size)
        return
    pages, tuples, stat_pages = db.session.execute(text(
        "SELECT pg_relation_size(c.oid) / current_setting('block_size')::int, c.reltuples, c.relpages "
        "FROM pg_class c WHERE c.oid = CAST('archived_records' AS regclass)"),
        bind_arguments={"bind": engine}).one()
    per_page = tuples / stat_pages if stat_pages > 0 and tuples > 0 else _ROWS_PER_PAGE
    step = max(1, int(batch_size / per_page))
    if pages <= step or _count_due(as_of, batch_size) <= batch_size:
        yield true()
        return
    for first in range(0, pages, step):
        yield text("archived_records.ctid >= CAST(:first AS tid) AND archived_records.ctid < CAST(:stop AS tid)") \
            .bindparams(first=f"({first},0)", stop=f"({first + step},0)")


def _count_due(as_of: _dt.datetime, most: int) -> int:
    """How many records are due, read from the due index no further than ``most`` + 1."""
    first = select(ArchivedRecord.retain_until).where(is_due(as_of)).limit(most + 1)
    return db.session.execute(select(func.count()).select_from(first.subquery())).scalar_one()


def close_days(as_of: _dt.datetime, summary: ledger.Summary, job: str) -> None:
    """For each archive-day duty that is due: shred the day's key once its records are gone,
    else move the duty to the next retain-until (or show it held)."""
    duties = db.session.execute(select(Duty).where(
        Duty.kind == ARCHIVE_EXPIRY, Duty.status.in_(("pending", "held")), Duty.due_at <= as_of)
        .order_by(Duty.due_at)).scalars().all()
    for duty in duties:
        key = db.session.execute(select(DataKey).filter_by(kind="archive", label=duty.subject_ref)).scalar()
        remaining = 0
        if key is not None:
            remaining = db.session.execute(select(func.count(ArchivedRecord.id))
                                           .where(ArchivedRecord.key_id == key.id)).scalar_one()
        if remaining == 0:
            if summary.dry_run:
                summary.counts[("archive", "archive_key_shred")] += 1 if key is not None else 0
                continue
            if key is not None:  # named first: a run stopped after the shred is ledgered by the next
                claims.shred(key.id, duty.deadline_at, "archive", "archive_key_shred", summary, job)
            duty.status, duty.done_at, duty.hold_reason = "done", clock.now(), None
            summary.duties_done += 1
            db.session.commit()
            continue
        if summary.dry_run:
            continue
        nxt = db.session.execute(select(func.min(ArchivedRecord.retain_until)).where(
            ArchivedRecord.key_id == key.id, ArchivedRecord.hold_reason.is_(None))).scalar() if key else None
        if remaining and nxt is None:  # only held records are left
            duty.status = "held"
            duty.hold_reason = f"분쟁 등으로 보류된 기록 {remaining}건"
            summary.duties_held += 1
        else:
            due = clock.as_utc(nxt)
            duty.status, duty.hold_reason = "pending", None
            duty.due_at = due
            duty.deadline_at = duty.due_at + services.DEADLINE
        db.session.commit()


def lookup(order_no: str) -> list[ArchivedRecord]:
    """Archived records of an order number (for the audited staff path)."""
    return list(db.session.execute(select(ArchivedRecord).where(ArchivedRecord.order_no == order_no.strip())
                                   .order_by(ArchivedRecord.record_class, ArchivedRecord.id)).scalars())


def read_payload(record: ArchivedRecord) -> dict | None:
    """The decrypted payload, or None when its day key was shredded."""
    try:
        raw = datakeys.open_token(record.payload_ct, f"archive:{record.record_class}")
    except datakeys.aead.KeyDestroyed:
        return None
    return json.loads(raw.decode("utf-8"))
