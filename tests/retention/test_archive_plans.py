"""Archive expiry's per-class count reads no more than it must (issue 19, part 4).

PostgreSQL: a table of one span is counted from the due index alone (an index-only scan),
not from the heap the DELETE reads next. SQLite: each span is an id range walked through
the primary key. On both, a few due records in a big archive are found through the due
index in one span.

The statement is the one the sweep really sends (captured from the archive engine and
explained from a second connection just before it runs), over an archive that has been
vacuumed as autovacuum leaves an insert-only table: the records waited years to be due.
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import case, event, func, insert, literal, select, text

from sentem import clock
from sentem.db_types import UTCDateTime
from sentem.extensions import db
from sentem.privacy.retention import archive, ledger
from sentem.privacy.retention.models import ArchivedRecord
from sentem.security import datakeys

DUE = 20_000  # big enough that a planner would rather not fetch rows one by one


def _explained(engine, plans: list):
    """An engine hook: each archive-expiry count and DELETE, explained from a second connection."""
    prefix = "EXPLAIN " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "

    def explain(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("INSERT INTO ARCHIVE_RECEIPTS", "DELETE FROM ARCHIVED_RECORDS")):
            with engine.connect() as other:
                plans.append((statement, "\n".join(" ".join(str(c) for c in row) for row in
                                                   other.exec_driver_sql(prefix + statement, parameters))))
    return explain


def _archive(due: int, every: int = 1) -> None:
    """Records made inside the database: every ``every``-th of the first ``due * every`` past
    retain-until (``due`` of them), the others and a tenth as many again not yet due."""
    key_id = datakeys.archive_key("2031-01-01")
    token = datakeys.seal(key_id, "{}", "archive:test")
    db.session.commit()
    n = select(literal(1).label("i")).cte("n", recursive=True)
    n = n.union_all(select(n.c.i + 1).where(n.c.i < due * every + due * every // 10))
    now = clock.now()
    until = literal(now - _dt.timedelta(days=1), UTCDateTime)
    later = literal(now + _dt.timedelta(days=400), UTCDateTime)
    rows = select(literal("class").concat(n.c.i % 5), literal("P-").concat(n.c.i), literal("plan"), n.c.i,
                  literal(key_id), literal(token), literal("전자상거래법 제6조"), literal("E-Commerce Act 6"),
                  literal(now, UTCDateTime), case(((n.c.i <= due * every) & (n.c.i % every == 0), until), else_=later), literal(now, UTCDateTime))
    cols = ("record_class", "order_no", "source", "seq", "key_id", "payload_ct", "legal_basis_ko",
            "legal_basis_en", "occurred_at", "retain_until", "archived_at")
    db.session.execute(insert(ArchivedRecord).from_select(cols, rows))
    db.session.commit()
    engine = db.engines["archive"]
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("VACUUM ANALYZE archived_records" if engine.dialect.name == "postgresql" else "ANALYZE"))


def test_the_sweeps_count_of_a_one_span_table_reads_the_due_index_or_its_id_range(app):
    _archive(DUE)
    engine = db.engines["archive"]
    plans = []
    hook = _explained(engine, plans)
    event.listen(engine, "before_cursor_execute", hook)
    try:
        gone = archive.expire_records(clock.now(), archive.SPAN_ROWS, ledger.Summary(run_id="plan"), "test")
    finally:
        event.remove(engine, "before_cursor_execute", hook)
    assert gone == DUE
    assert db.session.scalar(select(func.count()).select_from(ArchivedRecord)) == DUE // 10
    [(statement, plan), _delete] = plans  # one span: one count, one DELETE
    if engine.dialect.name == "postgresql":
        assert "ctid" not in statement
        assert "Index Only Scan using ix_archived_records_due" in plan, plan
    else:
        assert "USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)" in plan, plan


def test_a_few_due_records_in_a_big_archive_are_found_through_the_due_index(app):
    """An hourly sweep over years of archive reads what is due, not every page (PostgreSQL)
    or every id between the first and the last due record (SQLite) in spans."""
    _archive(40, every=500)  # 40 due among 22,000
    engine = db.engines["archive"]
    plans = []
    hook = _explained(engine, plans)
    event.listen(engine, "before_cursor_execute", hook)
    try:
        gone = archive.expire_records(clock.now(), 2_000, ledger.Summary(run_id="few"), "test")
    finally:
        event.remove(engine, "before_cursor_execute", hook)
    assert gone == 40
    assert db.session.scalar(select(func.count()).select_from(ArchivedRecord)) == 22_000 - 40
    [(count, count_plan), (delete, delete_plan)] = plans  # one span, where bounds would make ten or more
    assert "ix_archived_records_due" in delete_plan, delete_plan
    if engine.dialect.name == "postgresql":
        assert "ctid" not in count and "ctid" not in delete
        assert "Index Only Scan using ix_archived_records_due" in count_plan, count_plan
        assert "Seq Scan" not in delete_plan, delete_plan
    else:
        assert "rowid" not in count_plan and "ix_archived_records_due" in count_plan, count_plan


def test_a_table_of_several_spans_is_counted_span_by_span(app):
    _archive(DUE)
    engine = db.engines["archive"]
    counted = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO ARCHIVE_RECEIPTS"):
            counted.append(statement)

    event.listen(engine, "before_cursor_execute", grab)
    try:
        gone = archive.expire_records(clock.now(), DUE // 4, ledger.Summary(run_id="spans"), "test")
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    assert gone == DUE
    assert len(counted) >= 4
    bound = "ctid" if engine.dialect.name == "postgresql" else "archived_records.id >"
    assert all(bound in s for s in counted), counted[0]
