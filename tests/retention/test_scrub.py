"""After destruction: SQLite zeroes as it deletes; PostgreSQL tables get VACUUM FULL
(durable duties, the nightly window or now; a busy table is retried, never waited on)."""
from __future__ import annotations

from sqlalchemy import select, text

from sentem.extensions import db
from sentem.privacy.retention import services
from sentem.privacy.retention.models import Duty
from sentem.privacy.retention.sweep import sweep
from tests.builders import make_member
from tests.retention import scan
from tests.retention.toy import add_order


def _pending():
    return {(d.record_class, d.subject_ref) for d in db.session.execute(
        select(Duty).filter_by(kind="scrub", status="pending")).scalars()}


def _withdraw_one(order_no):
    m = make_member()
    add_order(m, order_no, "정리수령")
    m.status = "withdrawn"
    services.schedule_withdrawal(m.id)
    db.session.commit()


def test_scrub_duties_follow_the_backend(app, toy):
    _withdraw_one("S-1")
    pg = db.engines[None].dialect.name == "postgresql"
    with db.engines[None].connect() as conn:  # SQLite: every connection zeroes what it deletes
        if not pg:
            assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1
    sweep()  # 10:00 KST: outside the nightly window
    if pg:
        assert {("main", "h6_toy_orders"), ("main", "members"), ("keys", "data_keys")} <= _pending()
    else:
        assert _pending() == set()
    s = sweep(scrub_now=True)
    assert _pending() == set()
    if pg:
        assert any("VACUUM FULL" in line and "members" in line for line in s.scrubbed)


def test_busy_table_is_retried_not_waited_on(app, toy):
    _withdraw_one("S-2")
    pg = db.engines[None].dialect.name == "postgresql"
    blocker = db.engines[None].connect()
    try:
        if pg:  # a long read transaction holds a lock VACUUM FULL must wait for
            blocker.execute(text("SELECT count(*) FROM h6_toy_orders"))
        s = sweep(scrub_now=True)
        if pg:
            assert ("main", "h6_toy_orders") in _pending()
            duty = db.session.execute(select(Duty).filter_by(kind="scrub", subject_ref="h6_toy_orders")).scalar()
            assert duty.attempts == 1 and "deferred" in " ".join(s.scrubbed)
    finally:
        blocker.rollback()
        blocker.close()
    sweep(scrub_now=True)
    assert _pending() == set()


def test_the_byte_scan_finds_a_framed_postcode_but_not_digits_inside_a_longer_number():
    blobs = {"row": b'\x0d42088\x1b', "json": b'{"postcode": "42088"}', "float": b'{"took": 0.0342088}'}
    assert scan.find(blobs, ["42088"]) == [("row", "42088"), ("json", "42088")]
    assert scan.find({"name": "파기수령인".encode() + b"42"}, ["파기수령인"]) == [("name", "파기수령인")]


def test_the_duties_table_itself_is_scrubbed_not_deferred(app):
    """The scrub reads its duties from ``retention_duties``: that read must not lock the
    table while it is rewritten (it waited out its lock timeout and stayed due for ever)."""
    from sentem.privacy.retention import scrub

    out = scrub.scrub({None: {"retention_duties"}}, now=True)
    assert _pending() == set()
    if db.engines[None].dialect.name == "postgresql":
        assert "main: VACUUM FULL retention_duties" in out and not any("deferred" in line for line in out)
