"""A sweep killed right after a commit outside the main database (the archive, the key
store, the root file), before the ledger's: the next runs write each missing ledger row
once (``archive.complete_ledger``, ``claims``), on SQLite and on PostgreSQL."""
from __future__ import annotations

import datetime as _dt

import pytest
from sqlalchemy import func, select

from sentem import clock
from sentem.extensions import db
from sentem.notify import outbox
from sentem.privacy.retention import archive, services
from sentem.privacy.retention.models import ArchivedRecord, Duty
from sentem.privacy.retention.sweep import sweep
from sentem.security import buckets, datakeys, indexkeys
from sentem.security.datakeys import DataKey
from sentem.security.keystore import KeyBucket, KeyShred
from tests.builders import make_member
from tests.retention.sweep_cli import kill_at, ledger_total, run_ok
from tests.retention.toy import add_order


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
    as_of = (clock.to_kst(clock.as_utc(until)).date() + _dt.timedelta(days=3)).isoformat()
    kill_at(app, as_of, fault)
    assert db.session.execute(select(func.count(ArchivedRecord.id))).scalar() == 0  # committed before the kill
    if fault == "after_archive_key_shred_commit":
        assert db.session.get(DataKey, day_key) is None
    for _ in range(2):  # the next run completes the ledger; the one after adds nothing
        run_ok(app, as_of)
        assert ledger_total("archive_destroy") == 3
        assert ledger_total("archive_key_shred") == 1
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
    as_of = (clock.today() + _dt.timedelta(days=10)).isoformat()
    kill_at(app, as_of, fault)

    def shredded() -> int:
        return db.session.execute(select(func.count(KeyShred.key_id)).where(KeyShred.kind == kind)).scalar()

    assert shredded() == ledger_total(action) + 1  # the key store committed; the ledger did not
    for _ in range(2):
        run_ok(app, as_of)
        assert shredded() >= 1 and ledger_total(action) == shredded()
    # Every mark ended with its ledger row: none is left open (it would fail the health check).
    assert db.session.execute(select(func.count(Duty.id)).where(Duty.kind == "ledger_claim",
                                                                Duty.status != "done")).scalar() == 0


def test_an_index_key_rotation_killed_before_its_ledger_row_is_ledgered_once(app, toy):
    m = make_member()
    m.status = "withdrawn"
    services.schedule_withdrawal(m.id)
    db.session.commit()
    old_index_key = indexkeys.state().current
    as_of = (clock.today() + _dt.timedelta(days=1)).isoformat()
    kill_at(app, as_of, "after_index_rotation_commit")
    assert db.session.get(DataKey, old_index_key) is None and db.session.get(KeyShred, old_index_key) is not None
    assert ledger_total("index_key_shred") == 0
    for _ in range(2):
        run_ok(app, as_of)
        assert ledger_total("index_key_shred") == 1


def test_new_bucket_keys_and_erased_roots_killed_before_their_ledger_rows_are_ledgered_once(app, toy):
    """The key store commits each bucket's new key and the root file each erasure before the
    ledger's rows: every one is counted once, a kill in between or not."""
    m = make_member()
    m.status = "withdrawn"
    services.schedule_withdrawal(m.id)
    db.session.commit()

    for days, action, done in ((1, "bucket_rekey", _new_keys), (40, "root_erase", _erased_roots)):
        as_of = (clock.today() + _dt.timedelta(days=days)).isoformat()
        kill_at(app, as_of, "after_key_epochs_commit")
        assert done() >= 1 and ledger_total(action) == 0
        for _ in range(2):
            run_ok(app, as_of)
            assert ledger_total(action) == done()
    # Every mark ended with its ledger row: none is left open (it would fail the health check).
    assert db.session.execute(select(func.count(Duty.id)).where(Duty.kind == "ledger_claim",
                                                                Duty.status != "done")).scalar() == 0


def test_a_root_retired_and_erased_in_the_same_killed_run_is_ledgered_once(app, toy):
    """A shred already past its deadline: the run that gives its bucket a new key retires
    the root and erases it at once. Killed after that, both are still counted once."""
    m = make_member()
    assert datakeys.shred(m.data_key_id, deadline=clock.now())
    db.session.commit()
    as_of = (clock.today() + _dt.timedelta(days=1)).isoformat()
    kill_at(app, as_of, "after_key_epochs_commit")
    assert _erased_roots() == 1 and ledger_total("root_erase") == 0  # erased in the killed run itself
    for _ in range(2):
        run_ok(app, as_of)
        assert ledger_total("root_erase") == _erased_roots() == 1
        assert ledger_total("bucket_rekey") == _new_keys() == 1
    assert db.session.execute(select(func.count(Duty.id)).where(Duty.kind == "ledger_claim",
                                                                Duty.status != "done")).scalar() == 0


def _new_keys() -> int:  # every bucket starts at generation 1; each new key adds one
    return db.session.execute(select(func.coalesce(func.sum(KeyBucket.gen - 1), 0))).scalar()


def _erased_roots() -> int:  # epochs count from 1 and go oldest first
    return min(r["e"] for r in buckets.root_file().epochs()) - 1
