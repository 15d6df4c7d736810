"""Faults: Redis down at withdrawal, a sweep killed mid-run, the archive database down."""
from __future__ import annotations

import datetime as _dt
import os
import signal
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, func, select

from sentem import clock
from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.notify import outbox
from sentem.privacy.retention import archive, services
from sentem.privacy.retention.models import ArchivedRecord, DestructionLedger, Duty
from sentem.privacy.retention.sweep import sweep
from sentem.security import buckets, indexkeys
from sentem.security.datakeys import DataKey
from sentem.security.keystore import KeyBucket, KeyShred
from tests.builders import make_member
from tests.retention.toy import add_order, rows_of

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _ledger_total(action: str) -> int:
    return db.session.execute(select(func.coalesce(func.sum(DestructionLedger.count), 0))
                              .where(DestructionLedger.action == action)).scalar()


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


def _run_cli(app, *args, fault=None):
    db.session.remove()  # hold no transaction (or lock) while the child sweeps
    env = dict(os.environ)
    env.update({
        "SENTEM_INSTANCE_PATH": app.config["SENTEM_INSTANCE_PATH"],
        "SENTEM_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SENTEM_ARCHIVE_DATABASE_URL": app.config["SENTEM_ARCHIVE_DATABASE_URL"],
        "SENTEM_KEYSTORE_DATABASE_URL": app.config["SENTEM_KEYSTORE_DATABASE_URL"],
        "SENTEM_REDIS_URL": "",
        "PYTHONPATH": ROOT,
        # The toy class lives in the tests: the child registers it through this hook module.
        "SENTEM_RETENTION_TEST_TOY": "1",
    })
    env.pop("SENTEM_RETENTION_FAULT", None)
    if fault:
        env["SENTEM_RETENTION_FAULT"] = fault
    code = ("import tests.retention.toy as t, sys; t.register_for_cli();"
            "from flask.cli import main; sys.argv=['flask','--app','wsgi']+sys.argv[1:]; main()")
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


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
    db.session.remove()
    for engine in db.engines.values():
        engine.dispose()
    as_of = (clock.today() + _dt.timedelta(days=1)).isoformat()
    killed = _run_cli(app, "retention", "run", "--as-of", as_of, fault=fault)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    db.session.expire_all()
    assert db.session.execute(select(func.count(ArchivedRecord.id))).scalar() == 6  # committed first
    finished = _run_cli(app, "retention", "run", "--as-of", as_of)
    assert finished.returncode == 0, finished.stderr[-2000:] + finished.stdout[-2000:]
    db.session.expire_all()
    # Nothing lost: every order archived exactly once; nothing of the members left in main.
    assert db.session.execute(select(func.count(ArchivedRecord.id))).scalar() == 6
    assert sorted(r.order_no for r in db.session.execute(select(ArchivedRecord)).scalars()) == \
        sorted(f"K-{i}-{j}" for i in range(3) for j in range(2))
    for member_id, key_id in members:
        assert db.session.get(Member, member_id) is None and rows_of(member_id) == []
        assert db.session.get(DataKey, key_id) is None
    # Nothing counted twice.
    assert _ledger_total("archive_move") == 6
    assert db.session.execute(select(func.sum(DestructionLedger.count)).where(
        DestructionLedger.record_class == "toy_order", DestructionLedger.action == "destroy")).scalar() == 6
    assert _ledger_total("key_shred") == 3
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
    assert _ledger_total("destroy") == 0
    sweep()  # the archive is back: the duty completes
    db.session.expire_all()
    assert db.session.get(Member, m_id) is None and len(archive.lookup("D-1")) == 1


@pytest.mark.parametrize("fault", ["after_archive_expiry_commit", "after_archive_key_shred_commit"])
def test_archive_expiry_killed_after_its_commit_is_ledgered_once(app, toy, fault):
    """The archive database commits a destruction before the main database's ledger row:
    a sweep killed in between must not leave records or a day key destroyed unledgered."""
    m = make_member()
    for j in range(3):
        add_order(m, f"E-{j}", "정수령", clock.now() - _dt.timedelta(days=20))
    m.status = "withdrawn"
    services.schedule_withdrawal(m.id)
    db.session.commit()
    clock.advance(days=1)
    sweep()  # archived under the day key of their retain-until
    (first,) = archive.lookup("E-0")
    day_key, until = first.key_id, first.retain_until
    db.session.remove()
    for engine in db.engines.values():
        engine.dispose()
    as_of = (clock.to_kst(clock.as_utc(until)).date() + _dt.timedelta(days=3)).isoformat()
    killed = _run_cli(app, "retention", "run", "--as-of", as_of, fault=fault)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    db.session.expire_all()
    assert db.session.execute(select(func.count(ArchivedRecord.id))).scalar() == 0  # committed before the kill
    if fault == "after_archive_key_shred_commit":
        assert db.session.get(DataKey, day_key) is None
    for _ in range(2):  # the next run completes the ledger; the one after adds nothing
        finished = _run_cli(app, "retention", "run", "--as-of", as_of)
        assert finished.returncode == 0, finished.stderr[-2000:] + finished.stdout[-2000:]
        db.session.expire_all()
        assert _ledger_total("archive_destroy") == 3
        assert _ledger_total("archive_key_shred") == 1
    assert db.session.get(DataKey, day_key) is None
    assert db.session.execute(select(Duty.status).filter_by(kind="archive_expiry")).scalar() == "done"


@pytest.mark.parametrize("fault,action,kind", [("after_expiry_key_shred_commit", "expiry_key_shred", "expiry"),
                                               ("after_outbox_key_shred_commit", "outbox_key_shred", "outbox")])
def test_a_day_key_shred_killed_before_its_ledger_row_is_ledgered_once(app, toy, fault, action, kind):
    """Every day key the key store lists as shredded has exactly one ledger count, even when
    the sweep was killed between the key store's commit and the ledger's."""
    outbox.send_email("daykey@example.com", "제목", "본문", category="test", member_id=3)
    db.session.commit()
    sweep()  # makes the coming days' keys
    db.session.remove()
    for engine in db.engines.values():
        engine.dispose()
    as_of = (clock.today() + _dt.timedelta(days=10)).isoformat()
    killed = _run_cli(app, "retention", "run", "--as-of", as_of, fault=fault)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]

    def shredded() -> int:
        return db.session.execute(select(func.count(KeyShred.key_id)).where(KeyShred.kind == kind)).scalar()

    db.session.expire_all()
    assert shredded() == _ledger_total(action) + 1  # the key store committed; the ledger did not
    for _ in range(2):
        finished = _run_cli(app, "retention", "run", "--as-of", as_of)
        assert finished.returncode == 0, finished.stderr[-2000:] + finished.stdout[-2000:]
        db.session.expire_all()
        assert shredded() >= 1 and _ledger_total(action) == shredded()
    # Every mark went with its ledger row: none is left to grow the duties table.
    assert db.session.execute(select(func.count(Duty.id)).where(Duty.kind == "ledger_claim")).scalar() == 0


def test_an_index_key_rotation_killed_before_its_ledger_row_is_ledgered_once(app, toy):
    m = make_member()
    m.status = "withdrawn"
    services.schedule_withdrawal(m.id)
    db.session.commit()
    old_index_key = indexkeys.state().current
    db.session.remove()
    for engine in db.engines.values():
        engine.dispose()
    as_of = (clock.today() + _dt.timedelta(days=1)).isoformat()
    killed = _run_cli(app, "retention", "run", "--as-of", as_of, fault="after_index_rotation_commit")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    db.session.expire_all()
    assert db.session.get(DataKey, old_index_key) is None and db.session.get(KeyShred, old_index_key) is not None
    assert _ledger_total("index_key_shred") == 0
    for _ in range(2):
        finished = _run_cli(app, "retention", "run", "--as-of", as_of)
        assert finished.returncode == 0, finished.stderr[-2000:] + finished.stdout[-2000:]
        db.session.expire_all()
        assert _ledger_total("index_key_shred") == 1


def test_new_bucket_keys_and_erased_roots_killed_before_their_ledger_rows_are_ledgered_once(app, toy):
    """The key store commits each bucket's new key and the root file each erasure before the
    ledger's rows: every one is counted once, a kill in between or not."""
    m = make_member()
    m.status = "withdrawn"
    services.schedule_withdrawal(m.id)
    db.session.commit()
    db.session.remove()
    for engine in db.engines.values():
        engine.dispose()

    def new_keys() -> int:  # every bucket starts at generation 1; each new key adds one
        return db.session.execute(select(func.coalesce(func.sum(KeyBucket.gen - 1), 0))).scalar()

    def erased_roots() -> int:  # epochs count from 1 and go oldest first
        return min(r["e"] for r in buckets.root_file().epochs()) - 1

    for days, action, done in ((1, "bucket_rekey", new_keys), (40, "root_erase", erased_roots)):
        as_of = (clock.today() + _dt.timedelta(days=days)).isoformat()
        killed = _run_cli(app, "retention", "run", "--as-of", as_of, fault="after_key_epochs_commit")
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
        db.session.expire_all()
        assert done() >= 1 and _ledger_total(action) == 0
        for _ in range(2):
            finished = _run_cli(app, "retention", "run", "--as-of", as_of)
            assert finished.returncode == 0, finished.stderr[-2000:] + finished.stdout[-2000:]
            db.session.expire_all()
            assert _ledger_total(action) == done()
    # Every mark went with its ledger row: none is left to grow the duties table.
    assert db.session.execute(select(func.count(Duty.id)).where(Duty.kind == "ledger_claim")).scalar() == 0
