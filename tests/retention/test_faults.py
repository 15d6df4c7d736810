"""Faults: Redis down at withdrawal, a sweep killed mid-run, the archive database down
(killed after a commit outside the main database: ``test_ledger_faults.py``)."""
from __future__ import annotations

import datetime as _dt

import pytest
from sqlalchemy import create_engine, func, select

from sentem import clock
from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.privacy.retention import archive, services
from sentem.privacy.retention.models import ArchivedRecord, DestructionLedger, Duty
from sentem.privacy.retention.sweep import sweep
from sentem.security.datakeys import DataKey
from tests.builders import make_member
from tests.retention.sweep_cli import kill_at, ledger_total, run_ok
from tests.retention.toy import add_order, rows_of


class TestRedisDown:
    @pytest.fixture
    def app_config(self):
        return {"SENTEM_REDIS_URL": "redis://127.0.0.1:1/0"}  # nothing listens there

    def test_withdrawal_succeeds_and_next_sweep_does_it(self, app, toy):
        m = make_member()
        m_id = m.id
        add_order(m, "R-1", "한수령")
        m.status = "withdrawn"
        services.schedule_withdrawal(m.id)  # tries to kick a sweep on RQ: Redis refuses
        db.session.commit()
        assert db.session.execute(select(Duty.status).filter_by(kind="withdrawal")).scalar() == "pending"
        sweep()
        db.session.expire_all()
        assert db.session.get(Member, m_id) is None and rows_of(m_id) == []
        assert len(archive.lookup("R-1")) == 1


@pytest.mark.parametrize("fault", ["after_archive_commit", "after_destroy_commit", "after_shred_commit"])
def test_sweep_killed_mid_run_is_finished_by_the_next(app, toy, fault):
    members = []
    for i in range(3):
        m = make_member()
        for j in range(2):
            add_order(m, f"K-{i}-{j}", "서수령", clock.now() - _dt.timedelta(days=20))
        members.append((m.id, m.data_key_id))
        m.status = "withdrawn"
        services.schedule_withdrawal(m.id)
    db.session.commit()
    as_of = (clock.today() + _dt.timedelta(days=1)).isoformat()
    kill_at(app, as_of, fault)
    assert db.session.execute(select(func.count(ArchivedRecord.id))).scalar() == 6  # committed first
    run_ok(app, as_of)
    # Nothing lost: every order archived exactly once; nothing of the members left in main.
    assert db.session.execute(select(func.count(ArchivedRecord.id))).scalar() == 6
    assert sorted(r.order_no for r in db.session.execute(select(ArchivedRecord)).scalars()) == \
        sorted(f"K-{i}-{j}" for i in range(3) for j in range(2))
    for member_id, key_id in members:
        assert db.session.get(Member, member_id) is None and rows_of(member_id) == []
        assert db.session.get(DataKey, key_id) is None
    # Nothing counted twice.
    assert ledger_total("archive_move") == 6
    assert db.session.execute(select(func.sum(DestructionLedger.count)).where(
        DestructionLedger.record_class == "toy_order", DestructionLedger.action == "destroy")).scalar() == 6
    assert ledger_total("key_shred") == 3
    assert all(d.status == "done" for d in db.session.execute(
        select(Duty).filter_by(kind="withdrawal")).scalars())
    assert archive.read_payload(archive.lookup("K-0-0")[0])["수령인"] == "서수령"


def test_archive_down_deletes_nothing_from_main(app, toy, tmp_path):
    m = make_member()
    m_id = m.id
    add_order(m, "D-1", "문수령")
    m.status = "withdrawn"
    services.schedule_withdrawal(m.id)
    db.session.commit()
    engines = db.engines
    real = engines["archive"]
    blocked = tmp_path / "no-such-dir" / "archive.db"  # SQLite cannot open it: the archive is down
    engines["archive"] = create_engine(f"sqlite:///{blocked}")
    try:
        s = sweep()
    finally:
        engines["archive"].dispose()
        engines["archive"] = real
    assert s.errors and s.errors[0].startswith("archive")
    db.session.expire_all()
    assert db.session.get(Member, m_id) is not None and len(rows_of(m_id)) == 1
    duty = db.session.execute(select(Duty).filter_by(kind="withdrawal")).scalar_one()
    assert duty.status == "pending" and duty.attempts == 1 and duty.last_error.startswith("archive")
    assert ledger_total("destroy") == 0
    sweep()  # the archive is back: the duty completes
    db.session.expire_all()
    assert db.session.get(Member, m_id) is None and len(archive.lookup("D-1")) == 1
