"""Archive expiry's receipts: a hold that lands between the count and the delete, and the
ledger completed from receipts (never lowered, never counted twice)."""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError

from sentem import clock
from sentem.extensions import db
from sentem.privacy.retention import archive, ledger
from sentem.privacy.retention.models import ArchivedRecord, ArchiveReceipt, DestructionLedger
from sentem.security import datakeys


def _archive_rows(n: int) -> None:
    now = clock.now()
    key_id = datakeys.archive_key("2031-01-01")
    token = datakeys.seal(key_id, "{}", "archive:test")
    for i in range(n):
        db.session.add(ArchivedRecord(
            record_class=f"class{i % 2}", order_no=f"H-{i}", source="test", seq=i, key_id=key_id,
            payload_ct=token, legal_basis_ko="전자상거래법 제6조", legal_basis_en="E-Commerce Act 6",
            occurred_at=now, retain_until=now - _dt.timedelta(days=1)))
    db.session.commit()


def _ledger(run_id: str) -> dict[str, int]:
    return dict(db.session.execute(select(DestructionLedger.record_class, DestructionLedger.count).where(
        DestructionLedger.run_id == run_id, DestructionLedger.action == "archive_destroy")).all())


def test_a_hold_landing_between_count_and_delete_keeps_its_record_and_the_ledger_exact(app):
    _archive_rows(6)
    engine = db.engines["archive"]
    placed = []

    def hold_now(conn, cursor, statement, parameters, context, executemany):
        # Staff place a hold from their own connection just before the sweep's DELETE runs.
        if placed or not statement.lstrip().upper().startswith("DELETE FROM ARCHIVED_RECORDS"):
            return
        placed.append(True)
        with engine.connect() as staff:
            if engine.dialect.name == "sqlite":
                staff.execute(text("PRAGMA busy_timeout = 0"))
            try:
                staff.execute(text("UPDATE archived_records SET hold_reason = '분쟁' WHERE order_no = 'H-1'"))
                staff.commit()
                placed.append("committed")
            except OperationalError:  # SQLite: the sweep's transaction holds the write lock
                staff.rollback()
                placed.append("refused")

    event.listen(engine, "before_cursor_execute", hold_now)
    try:
        summary = ledger.Summary(run_id="hold-race")
        gone = archive.expire_records(clock.now(), 1000, summary, "test")
    finally:
        event.remove(engine, "before_cursor_execute", hold_now)
    db.session.expire_all()
    left = db.session.execute(select(ArchivedRecord.order_no, ArchivedRecord.hold_reason)).all()
    if engine.dialect.name == "sqlite":
        # One writer at a time: the hold cannot land inside the sweep's transaction at all.
        assert placed[-1] == "refused" and gone == 6 and left == []
    else:
        assert placed[-1] == "committed"
        assert gone == 5 and left == [("H-1", "분쟁")]
    # Whatever happened, the ledger, the summary and the receipts say exactly what went.
    expected = {"class0": 3, "class1": gone - 3}
    assert _ledger("hold-race") == expected
    assert {rc: n for (rc, _), n in summary.counts.items()} == expected
    assert dict(db.session.execute(select(ArchiveReceipt.record_class, func.sum(ArchiveReceipt.count))
                                   .group_by(ArchiveReceipt.record_class)).all()) == expected


def test_the_next_run_raises_a_short_ledger_to_the_receipts_once_and_never_lowers_it(app):
    _archive_rows(4)
    first = ledger.Summary(run_id="first-run")
    assert archive.expire_records(clock.now(), 1000, first, "test") == 4
    # As if the first run had been stopped after its archive commit: its ledger row for class1
    # never written, the one for class0 written with more than the receipts say (never lowered).
    db.session.execute(DestructionLedger.__table__.delete().where(DestructionLedger.record_class == "class1"))
    db.session.execute(DestructionLedger.__table__.update().where(DestructionLedger.record_class == "class0")
                       .values(count=9))
    db.session.commit()
    for run in ("second-run", "third-run"):
        archive.expire_records(clock.now(), 1000, ledger.Summary(run_id=run), "test")
        db.session.expire_all()
        assert _ledger("first-run") == {"class0": 9, "class1": 2}
        assert _ledger(run) == {}  # nothing was due in this run: nothing counted for it
    # The first run's receipts went once the ledger matched them.
    assert db.session.execute(select(func.count(ArchiveReceipt.id))).scalar() == 0


def test_a_dry_run_writes_no_receipt(app):
    _archive_rows(2)
    summary = ledger.Summary(run_id="dry", dry_run=True)
    archive.expire_records(clock.now(), 1000, summary, "test")
    db.session.expire_all()
    assert summary.counts[("class0", "archive_destroy")] == 1
    assert db.session.execute(select(func.count(ArchiveReceipt.id))).scalar() == 0
    assert db.session.execute(select(func.count(ArchivedRecord.id))).scalar() == 2
