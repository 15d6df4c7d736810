"""The sweep: every retention duty that is due, in batches, safe to run twice.

``sweep()`` carries out, in order: withdrawal duties (archive move, destruction,
crypto-shredding — ``withdrawal.py``), archive expiry and day-key shredding
(``archive.py``), the expiry of never-withdrawn members' records (``expiry.py``) and
the shredding of their day keys once the day is over (``day_keys.py``);
then the key hierarchy's turn (``security/reindex.py``: after a member was destroyed,
a new blind-index key and every live value indexed again; ``security/epochs.py``: buckets that lost a key are
re-keyed, a new epoch root begins, retired roots that are due are erased), and, if
anything was destroyed, the scrub (``scrub.py``). Every step commits its
own transaction together with its ledger rows, so a run killed at any point is
finished by the next one with nothing lost and nothing done twice. Where the work commits
in another database or file than the ledger, it leaves a mark the next run ledgers from:
withdrawal duties advance step by step, archive expiry writes receipts in the archive
(``archive.complete_ledger``), and key shreds, buckets' new keys and erased roots are named
by a duty first (``claims``). Two counts are still written after their work: how many
values a blind-index rotation indexed again (``index_rekey``; not a destruction) and how
many development-outbox files were deleted (``outbox_purge``; a file has no transaction).
"""
from __future__ import annotations

import datetime as _dt
import logging

from ... import clock
from ...extensions import db
from ...notify import outbox
from ...security import datakeys, reindex
from . import archive, claims, day_keys, expiry, faults, lease, ledger, scrub, withdrawal

log = logging.getLogger("sentem.retention")
DEFAULT_BATCH = 500  # withdrawal duties per batch (each touches every record class of a member)
ROW_BATCH = 50_000  # rows per transaction for expire(): few commits, bounded memory (archive expiry: archive.SPAN_ROWS)


class SweepBusy(RuntimeError):
    """Another sweep holds the lease."""


def sweep(as_of: _dt.datetime | None = None, batch_size: int = DEFAULT_BATCH, dry_run: bool = False,
          *, row_batch: int | None = None, job: str = "manual", progress=None,
          scrub_now: bool | None = None) -> ledger.Summary:
    """Perform every duty due by ``as_of`` (default: now). Returns a summary of what was done.

    ``batch_size`` withdrawal duties go through each step together; archive expiry
    and the classes' ``expire`` work ``row_batch`` rows per transaction (default
    ``max(ROW_BATCH, batch_size)`` for ``expire`` and ``max(archive.SPAN_ROWS, batch_size)``
    for archive expiry, or ``batch_size`` when that is given smaller — tests use tiny
    batches to exercise the batching).

    ``progress(n)`` is called as work is done (the CLI's progress bar). Raises
    ``SweepBusy`` when another sweep is running. ``scrub_now``: run PostgreSQL's
    ``VACUUM FULL`` now (True; the CLI), never (False), or in the nightly window (None).
    """
    as_of = clock.as_utc(as_of) if as_of else clock.now()
    rows = _rows_per_transaction(row_batch, batch_size, ROW_BATCH)
    archive_rows = _rows_per_transaction(row_batch, batch_size, archive.SPAN_ROWS)
    summary = ledger.Summary(run_id=ledger.new_run_id(), dry_run=dry_run)
    if not dry_run and not lease.acquire():
        raise SweepBusy("another retention sweep is running")
    try:
        with scrub.watch_deletes() as deleted:
            _withdrawals(as_of, batch_size, summary, job, progress)
            _archive(as_of, archive_rows, summary, job, progress)
            expiry.run(as_of, rows, summary, job, progress)
            _day_keys(as_of, summary, job)
        if not dry_run:
            _outbox(as_of, summary, job)
            _keys(as_of, summary, job, deleted)
        if not dry_run and (summary.destroyed_anything or scrub.pending()):
            summary.scrubbed = scrub.scrub(deleted, now=scrub.in_window() if scrub_now is None else scrub_now)
    finally:
        if not dry_run:
            lease.release()
    log.info("retention sweep %s: %s", summary.run_id, summary.as_dict()["counts"])
    return summary


def _rows_per_transaction(row_batch: int | None, batch_size: int, default: int) -> int:
    # ``row_batch`` when given; else ``batch_size`` when below DEFAULT_BATCH (tests), else at least ``default``.
    return row_batch or (batch_size if batch_size < DEFAULT_BATCH else max(default, batch_size))


def _withdrawals(as_of, batch_size, summary, job, progress) -> None:
    after = 0
    while True:
        duties = withdrawal.due_batch(as_of, after, batch_size)
        if not duties:
            return
        after = duties[-1].id
        withdrawal.run_batch(duties, summary, as_of, job)
        if not dry_run_or_ok(summary):
            return  # the archive (or a destroy) failed: stop here, nothing further deleted
        if progress:
            progress(len(duties))
        if not summary.dry_run:
            lease.renew()
            db.session.commit()


def _outbox(as_of, summary, job) -> None:
    # The development outbox's old days: files deleted, day keys shredded (before the
    # key step below, which re-keys their buckets and rotates the root in this run).
    def shred(key_id, deadline):
        claims.shred(key_id, deadline, "outbox", "outbox_key_shred", summary, job)

    try:
        files, _ = outbox.purge_expired(as_of, shred=shred)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        log.warning("retention: outbox purge failed: %s", type(exc).__name__)
        summary.errors.append(f"outbox: {type(exc).__name__}")
        return
    ledger.add(summary, "outbox", "outbox_purge", files, job)
    db.session.commit()


def _keys(as_of, summary, job, deleted) -> None:
    # After every shred of the run: the old copies of the shredded keys must die with
    # the old root, so the buckets are re-keyed and the root rotated in this same run.
    _index_keys(as_of, summary, job)
    try:
        named = claims.EpochWork(as_of)
        done = datakeys.after_destruction(as_of, name=named)
    except Exception as exc:  # the root file unreadable, say: loud, and the next run retries
        db.session.rollback()
        log.error("retention: key epoch step failed: %s: %s", type(exc).__name__, exc)
        summary.errors.append(f"keys: {type(exc).__name__}")
        return
    faults.point("after_key_epochs_commit")
    settled = claims.settle(named.duties, summary, job)  # every piece of work was named just before it
    if (settled.get("bucket_rekey", 0), settled.get("root_erase", 0)) != (done["buckets_rekeyed"], len(done["erased"])):
        log.error("retention: the key step did %s but its claims settled %s", done, settled)
        summary.errors.append("keys: ledger claims do not match the work done")
    if done["buckets_rekeyed"]:
        # Rewritten rows leave their old versions behind in PostgreSQL pages: scrub them too.
        deleted.setdefault("keys", set()).update({"data_keys", "key_buckets"})
    db.session.commit()


def _index_keys(as_of, summary, job) -> None:
    # A member destroyed: the blind indexes an older backup holds of them must become
    # untestable, so the index key is replaced (every live value indexed again) and the
    # old one shredded now, before the key step re-keys its bucket and rotates the root.
    try:
        if not reindex.due():
            return
        deadline = as_of + datakeys.DEADLINE
        retiring = reindex.retiring_key()
        # Named first: the rotation shreds it in the key store, before the ledger row commits.
        named = claims.name_shred(retiring, deadline, "keys", "index_key_shred") if retiring else None
        done = reindex.rotate(deadline)
    except Exception as exc:  # noqa: BLE001 - loud, and the next run resumes the rotation
        db.session.rollback()
        log.error("retention: blind-index key rotation failed: %s: %s", type(exc).__name__, exc)
        summary.errors.append(f"index_keys: {type(exc).__name__}")
        return
    faults.point("after_index_rotation_commit")
    if named is not None:
        claims.settle([named], summary, job)
    ledger.add(summary, "keys", "index_rekey", done["rows"], job)
    db.session.commit()


def _day_keys(as_of, summary, job) -> None:
    # After expire(): the day keys of records that ended while their members stay.
    try:
        if not summary.dry_run:
            claims.recover(summary, job)  # first: a shredded key is never listed as due again
            day_keys.prepare(as_of)
            day_keys.backfill(as_of)
        day_keys.close(as_of, summary, job)
    except Exception as exc:  # loud, and the next run retries (its roots wait for it)
        db.session.rollback()
        log.error("retention: day-key step failed: %s: %s", type(exc).__name__, exc)
        summary.errors.append(f"day_keys: {type(exc).__name__}")


def dry_run_or_ok(summary: ledger.Summary) -> bool:
    return summary.dry_run or not summary.errors


def _archive(as_of, batch_size, summary, job, progress) -> None:
    try:
        if not summary.dry_run:
            archive.sync_holds()
        archive.expire_records(as_of, batch_size, summary, job, progress)
        archive.close_days(as_of, summary, job)
    except Exception as exc:  # the archive down: the main-database expiries still run
        db.session.rollback()
        log.warning("retention: archive expiry failed: %s", type(exc).__name__)
        summary.errors.append(f"archive_expiry: {type(exc).__name__}")


def pending_work(as_of: _dt.datetime | None = None) -> int:
    """Rough size of the next sweep (for the progress bar): due withdrawals and expired archive rows."""
    from sqlalchemy import func, select

    from .models import WITHDRAWAL, ArchivedRecord, Duty

    as_of = clock.as_utc(as_of) if as_of else clock.now()
    n = db.session.execute(select(func.count(Duty.id)).where(
        Duty.kind == WITHDRAWAL, Duty.status.in_(("pending", "held")), Duty.due_at <= as_of)).scalar_one()
    try:
        n += db.session.execute(select(func.count(ArchivedRecord.id)).where(archive.is_due(as_of))).scalar_one()
    except Exception:
        db.session.rollback()
    return n
