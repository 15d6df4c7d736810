"""The staff access log: hash chain, tamper detection, expiry keeps it verifiable, concurrency."""
import threading

import pytest
from sqlalchemy import text

from sentem import clock
from sentem.extensions import db
from sentem.privacy import access_log
from sentem.privacy.access_log import AccessLogEntry
from sentem.privacy.registry import REGISTRY
from sentem.privacy.retention.expiry import expire_batch

from .builders import make_staff, staff_login


def _fill(n=5, staff_id=1):
    for i in range(n):
        access_log.record("members.view", staff_id=staff_id, member_id=i + 1, ip="10.0.0.7", detail=f"#{i}")
    db.session.commit()


def test_chain_verifies_and_ip_is_sealed(app):
    _fill()
    assert access_log.verify() is None
    raw = db.session.execute(text("SELECT ip_ct FROM staff_access_log")).scalars().all()
    assert all("10.0.0.7" not in v for v in raw)
    assert db.session.query(AccessLogEntry).first().ip == "10.0.0.7"


def test_orm_refuses_update_and_delete(app):
    _fill(1)
    row = db.session.query(AccessLogEntry).one()
    row.reason = "changed"
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()


def test_verify_names_edited_row(app, runner):
    _fill()
    third = db.session.query(AccessLogEntry).filter_by(seq=3).one().id
    db.session.execute(text("UPDATE staff_access_log SET detail = 'nothing to see' WHERE id = :i"), {"i": third})
    db.session.commit()
    assert access_log.verify() == third
    res = runner.invoke(args=["audit", "verify"])
    assert res.exit_code == 1 and f"row {third}" in res.output


def test_verify_names_row_after_deleted_one(app, runner):
    _fill()
    second = db.session.query(AccessLogEntry).filter_by(seq=2).one().id
    third = db.session.query(AccessLogEntry).filter_by(seq=3).one().id
    db.session.execute(text("DELETE FROM staff_access_log WHERE id = :i"), {"i": second})
    db.session.commit()
    assert access_log.verify() == third
    res = runner.invoke(args=["audit", "verify"])
    assert res.exit_code == 1 and f"row {third}" in res.output


def test_verify_detects_deleted_last_row(app, runner):
    _fill()
    db.session.execute(text("DELETE FROM staff_access_log WHERE seq = 5"))
    db.session.commit()
    assert access_log.verify() == access_log.TAIL_MISSING
    res = runner.invoke(args=["audit", "verify"])
    assert res.exit_code == 1 and "after the last row" in res.output


def test_verify_cli_ok(app, runner):
    _fill()
    res = runner.invoke(args=["audit", "verify"])
    assert res.exit_code == 0 and "5 rows" in res.output


def test_expiry_trims_oldest_and_chain_still_verifies(app):
    with clock.frozen_at("2024-01-10"):
        _fill(3)
    _fill(2)
    rc = REGISTRY.record_class("staff_access_log")
    assert rc.retention.years == 2 and rc.on_withdrawal == "keep"
    assert expire_batch(rc, clock.now(), 100) == 3
    db.session.commit()
    assert db.session.query(AccessLogEntry).count() == 2
    assert access_log.verify() is None
    _fill(1)
    assert access_log.verify() is None


def test_concurrent_appends_keep_one_chain(app):
    flask_app = app

    def worker(k):
        with flask_app.app_context():
            for i in range(8):
                access_log.record("members.view", staff_id=k, member_id=i)
                db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    assert db.session.query(AccessLogEntry).count() == 32
    assert access_log.verify() is None


def test_viewer_shows_entries_and_chain_state(client):
    staff = make_staff("auditor")
    staff_login(client, staff)
    page = client.get("/admin/accesslog?verify=1").get_data(as_text=True)
    assert "로그인" in page and "이상이 없습니다" in page
    db.session.execute(text("UPDATE staff_access_log SET reason = 'x' WHERE seq = 1"))
    db.session.commit()
    page = client.get("/admin/accesslog?verify=1").get_data(as_text=True)
    assert "체인 검증 실패" in page


def test_recomputing_hashes_without_the_key_does_not_hide_an_edit(app):
    import hashlib

    _fill(3)
    rows = db.session.query(AccessLogEntry).order_by(AccessLogEntry.seq).all()
    target = rows[1]
    # An attacker with only the database edits row 2 and rewrites the chain with plain SHA-256.
    prev = rows[0].row_hash
    for row in rows[1:]:
        detail = "forged" if row.id == target.id else row.detail
        row_hash = hashlib.sha256((prev + (detail or "")).encode()).hexdigest()
        db.session.execute(text("UPDATE staff_access_log SET detail = :d, prev_hash = :p, row_hash = :h "
                                "WHERE id = :i"), {"d": detail, "p": prev, "h": row_hash, "i": row.id})
        prev = row_hash
    db.session.execute(text("UPDATE staff_access_log_head SET last_hash = :h"), {"h": prev})
    db.session.commit()
    assert access_log.verify() == target.id
