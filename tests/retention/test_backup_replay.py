"""Restores and withdrawals in flight (issue 13, part 3): a restore archives nobody twice,
loses no archived record, and carries out — or keeps pending — the withdrawals that were
under way at backup time or at restore time."""
from __future__ import annotations

import datetime as _dt
from collections import Counter

from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.privacy.retention import archive, services
from sentem.privacy.retention.models import WITHDRAWAL, ArchivedRecord, Duty
from tests.builders import make_member
from tests.orders.builders import make_paid_order
from tests.retention import proofkit
from tests.retention.test_backup import _backup, _gone, _restore


def _archived(order_nos) -> Counter:
    """(order, record class) -> how many readable archived records (no plaintext kept)."""
    db.session.expire_all()
    found = Counter()
    for order_no in order_nos:
        for record in archive.lookup(order_no):
            assert archive.read_payload(record) is not None, record.record_class
            found[(order_no, record.record_class)] += 1
    return found


def _duty(member_id: int) -> Duty | None:
    return db.session.query(Duty).filter_by(kind=WITHDRAWAL, subject_ref=str(member_id)).one_or_none()


def test_a_withdrawal_pending_at_backup_time_is_carried_out_once(app, runner, tmp_path):
    facts = proofkit.populate()
    withdrawn = proofkit.withdraw(facts["member_id"])  # requested and complete; not yet carried out
    duty_id = _duty(facts["member_id"]).id
    _backup(runner, tmp_path / "backup")
    proofkit.run_retention(app, withdrawn + _dt.timedelta(days=1))
    archived = _archived([facts["order_no"]])
    assert archived

    _restore(runner, tmp_path / "backup")  # the running archive and key store kept
    _gone(facts)
    assert _archived([facts["order_no"]]) == archived
    assert _duty(facts["member_id"]).id == duty_id and _duty(facts["member_id"]).status == "done"

    _restore(runner, tmp_path / "backup", "--all")  # all three from the backup: archived again, once
    _gone(facts)
    assert _archived([facts["order_no"]]) == archived


def test_a_lost_key_store_restored_from_the_backup_archives_nobody_twice(app, runner, tmp_path):
    facts = proofkit.populate()
    # An earlier withdrawal, archived before the backup: the archive day's key is in the backup.
    early = make_member()
    early_order = make_paid_order(early).order_no
    proofkit.run_retention(app, proofkit.withdraw(early.id) + _dt.timedelta(days=1))
    held = make_member()
    services.place_hold("member", str(held.id), "분쟁 조정 중")
    db.session.commit()
    _backup(runner, tmp_path / "backup")
    # After the backup: one withdrawal held by a dispute (not carried out), then the member's.
    proofkit.withdraw(held.id)
    held_id, held_duty = held.id, _duty(held.id)
    held_duty_id, held_deadline = held_duty.id, held_duty.deadline_at
    withdrawn = proofkit.withdraw(facts["member_id"])
    member_duty = _duty(facts["member_id"]).id
    proofkit.run_retention(app, withdrawn + _dt.timedelta(days=1))
    orders = [facts["order_no"], early_order]
    archived = _archived(orders)
    assert archived[(facts["order_no"], "delivery")] == 1

    # The running key store is lost; the restore takes it (and only it) from the backup.
    db.session.remove()
    db.metadatas["keys"].drop_all(bind=db.engines["keys"])
    out = _restore(runner, tmp_path / "backup")
    assert "main, keys" in out
    _gone(facts)
    assert _archived(orders) == archived  # nothing archived twice, nothing lost
    assert _duty(facts["member_id"]).id == member_duty
    # The held withdrawal is back as it was: same duty, same deadline, the member withdrawn.
    back = _duty(held_id)
    assert back.id == held_duty_id and back.status in ("pending", "held")
    assert back.deadline_at == held_deadline
    assert db.session.get(Member, held_id).status == "withdrawn"
    # A duty made from now on never takes an id the running shop used.
    later = services.schedule_withdrawal(facts["stayer_id"])
    db.session.commit()
    assert later.id > member_duty


def test_an_old_backup_with_all_keeps_the_running_archive(app, runner, tmp_path):
    facts = proofkit.populate()
    _backup(runner, tmp_path / "backup")
    withdrawn = proofkit.withdraw(facts["member_id"])
    proofkit.run_retention(app, withdrawn + _dt.timedelta(days=6))  # the backup's root is erased now
    archived = _archived([facts["order_no"]])
    assert archived
    out = _restore(runner, tmp_path / "backup", "--all")
    assert "keeping the running archive" in out
    _gone(facts)
    # The member can no longer be read to archive them again: the running archive keeps their records.
    assert _archived([facts["order_no"]]) == archived
    assert db.session.query(ArchivedRecord).count() >= sum(archived.values())
