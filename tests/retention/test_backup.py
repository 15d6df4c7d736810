"""``flask backup create|restore``: a restore brings the shop back, never the people it
destroyed since the backup, and the staff access log's chain still verifies."""
from __future__ import annotations

import datetime as _dt
import json
import os

from sqlalchemy import delete

from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.privacy import access_log
from sentem.privacy.retention import archive
from sentem.privacy.retention.models import Duty
from sentem.security import datakeys
from sentem.security.keystore import KeyShred
from tests.retention import proofkit


def _backup(runner, folder) -> dict:
    res = runner.invoke(args=["backup", "create", str(folder)])
    assert res.exit_code == 0, res.output
    with open(folder / "manifest.json", encoding="utf-8") as fh:
        manifest = json.load(fh)
    assert set(manifest["databases"]) == {"main", "archive", "keys"}
    assert {f for f in os.listdir(folder)} == {"manifest.json", *(d["file"] for d in manifest["databases"].values())}
    assert "key-root" not in " ".join(os.listdir(folder)) and "master" not in " ".join(os.listdir(folder))
    return manifest


def _restore(runner, folder, *extra) -> str:
    res = runner.invoke(args=["backup", "restore", str(folder), *extra])
    assert res.exit_code == 0, res.output
    assert "access log OK" in res.output
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and "chain intact" in verified.output, verified.output
    return res.output


def _logged_staff_access(member_id: int) -> None:
    access_log.record("member_view", staff_id=None, member_id=member_id, reason="백업 시험")
    db.session.commit()


def _gone(facts) -> None:
    db.session.expire_all()
    assert db.session.get(Member, facts["member_id"]) is None
    assert proofkit.key_is_gone(facts["key_id"])
    assert db.session.get(KeyShred, facts["key_id"]) is not None
    plaintexts = proofkit.readable_plaintexts((None,))  # the archive keeps the transaction records, by law
    assert proofkit.hits(plaintexts, facts["needles"]) == [] and proofkit.STAYER["name"] in plaintexts


def test_restore_keeps_the_destroyed_destroyed(app, runner, tmp_path):
    facts = proofkit.populate()
    _logged_staff_access(facts["member_id"])
    _backup(runner, tmp_path / "backup")
    res = runner.invoke(args=["backup", "create", str(tmp_path / "backup")])
    assert res.exit_code == 1 and "비어 있지 않습니다" in res.output

    withdrawn = proofkit.withdraw(facts["member_id"])
    proofkit.run_retention(app, withdrawn + _dt.timedelta(days=6))
    _logged_staff_access(facts["stayer_id"])
    _restore(runner, tmp_path / "backup")
    _gone(facts)
    # The running archive was kept: the member's transaction records are there, readable.
    records = archive.lookup(facts["order_no"])
    assert records and all(archive.read_payload(r) for r in records)


def test_a_recent_backup_restores_everything_and_replays_the_withdrawal(app, runner, tmp_path):
    facts = proofkit.populate()
    _logged_staff_access(facts["member_id"])
    _backup(runner, tmp_path / "backup")
    withdrawn = proofkit.withdraw(facts["member_id"])
    proofkit.run_retention(app, withdrawn + _dt.timedelta(days=1))  # the backup's epoch root still exists
    out = _restore(runner, tmp_path / "backup", "--all")
    assert "main, archive, keys" in out
    _gone(facts)
    # The key store and the archive came from the backup: the member was archived again.
    records = archive.lookup(facts["order_no"])
    assert records and all(archive.read_payload(r) for r in records)


def test_when_every_database_was_lost_the_root_file_remembers(app, runner, tmp_path):
    facts = proofkit.populate()
    _backup(runner, tmp_path / "backup")
    withdrawn = proofkit.withdraw(facts["member_id"])
    proofkit.run_retention(app, withdrawn + _dt.timedelta(days=1))
    # The running databases lose their record of it (as if the disks were gone too).
    db.session.execute(delete(Duty))
    db.session.execute(delete(KeyShred))
    db.session.commit()
    _restore(runner, tmp_path / "backup", "--all")
    db.session.expire_all()
    assert db.session.get(Member, facts["member_id"]) is None
    assert proofkit.key_is_gone(facts["key_id"])


def test_an_old_backups_key_store_is_not_restored(app, runner, tmp_path):
    facts = proofkit.populate()
    _backup(runner, tmp_path / "backup")
    withdrawn = proofkit.withdraw(facts["member_id"])
    proofkit.run_retention(app, withdrawn + _dt.timedelta(days=6))  # the backup's root is erased now
    res = runner.invoke(args=["backup", "restore", str(tmp_path / "backup"), "--all"])
    assert res.exit_code == 0, res.output
    assert "keeping the running key store" in res.output
    _gone(facts)
    assert datakeys.raw_key(facts["stayer_key"])  # members who stay read through today's key store


def test_restore_refuses_a_folder_without_a_backup(app, runner, tmp_path):
    res = runner.invoke(args=["backup", "restore", str(tmp_path)])
    assert res.exit_code == 1 and "manifest.json" in res.output
