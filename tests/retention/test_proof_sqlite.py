"""Proof on SQLite (the embedded default; issue 13): copies of the three database files
taken before a withdrawal show nothing of the member after the sweep at +6 days, opened
with every secret the shop then holds (its instance folder); the same for an archived
delivery record at its retain-until + 6 days. Runs in both suite set-ups."""
from __future__ import annotations

import datetime as _dt
import glob
import os
import shutil

from sentem import clock
from sentem.extensions import db
from sentem.privacy.retention import archive
from tests.retention import attacker, proofkit
from tests.retention.pgcluster import tree_files


def _copy_databases(instance: str, target: str, names=("sentem.db", "sentem-archive.db", "sentem-keys.db")) -> list:
    """A file-level backup: the database files (with any journal or WAL beside them)."""
    db.session.commit()
    os.makedirs(target)
    copied = []
    for name in names:
        for path in glob.glob(os.path.join(instance, name + "*")):
            copied.append(shutil.copy(path, target))
    return copied


def test_file_copies_from_before_a_withdrawal_show_nothing_of_the_member(tmp_path):
    instance = str(tmp_path / "instance")
    with proofkit.migrated_shop(instance, proofkit.sqlite_urls(instance)) as app:
        facts = proofkit.populate()
        needles = facts["needles"]
        before_dir = str(tmp_path / "before")
        before = _copy_databases(instance, before_dir)
        assert proofkit.scan_files(before, needles) == []  # encrypted from the start
        assert attacker.recover(attacker.harvest(before), facts["key_id"], *proofkit.current_secrets(app))
        assert proofkit.index_guesses(app) & proofkit.stored_indexes()  # the index attack works, before

        withdrawn = proofkit.withdraw(facts["member_id"])
        out = proofkit.run_retention(app, withdrawn + _dt.timedelta(days=6))
        assert "key_shred" in out and "bucket_rekey" in out and "root_erase" in out
        roots, masters = proofkit.current_secrets(app)

        # (b) every file of the instance folder now, and the copies: no plaintext, and no
        # copy of the member's data key opens with the roots the shop still holds.
        files = tree_files(instance) + before
        assert proofkit.scan_files(files, needles) == []
        tokens = attacker.harvest(files)
        assert attacker.recover(tokens, facts["key_id"], roots, masters) is None
        assert attacker.recover(tokens, facts["stayer_key"], roots, masters)  # the attack itself works
        # The member's blind indexes in the copies: no key the shop holds recomputes them.
        guesses = proofkit.index_guesses(app, tokens, [facts["index_key"]])
        assert attacker.recover(tokens, facts["index_key"], roots, masters) is None

        # (a) the copies opened as the shop's databases, with today's instance folder.
        with proofkit.opened_with(instance, proofkit.sqlite_urls(before_dir)):
            assert proofkit.key_is_gone(facts["key_id"])
            assert proofkit.hits(proofkit.readable_plaintexts(), needles) == []
            assert proofkit.stored_indexes() and not guesses & proofkit.stored_indexes()
        old_main = dict(proofkit.sqlite_urls(before_dir),
                        SENTEM_KEYSTORE_DATABASE_URL=proofkit.sqlite_urls(instance)["SENTEM_KEYSTORE_DATABASE_URL"])
        with proofkit.opened_with(instance, old_main):  # an old main database, today's key store
            plaintexts = proofkit.readable_plaintexts()
            assert proofkit.hits(plaintexts, needles) == [] and proofkit.STAYER["name"] in plaintexts

        # (c) the archived delivery record, at its retain-until + 6 days.
        records = [r for r in archive.lookup(facts["order_no"]) if r.record_class == "delivery"]
        assert records and archive.read_payload(records[0])
        day_key, until = records[0].key_id, records[0].retain_until
        archived_dir = str(tmp_path / "archived")
        archived = _copy_databases(instance, archived_dir, ("sentem-archive.db", "sentem-keys.db"))
        delivery_needles = [v for k, v in proofkit.DELIVERY.items() if k != "delivery_memo"]
        out = proofkit.run_retention(app, clock.to_kst(until).date() + _dt.timedelta(days=6))
        assert "archive_key_shred" in out and "root_erase" in out
        roots, masters = proofkit.current_secrets(app)
        files = tree_files(instance) + archived
        assert proofkit.scan_files(files, delivery_needles) == []
        assert attacker.recover(attacker.harvest(files), day_key, roots, masters) is None
        urls = dict(proofkit.sqlite_urls(archived_dir),
                    SQLALCHEMY_DATABASE_URI=proofkit.sqlite_urls(instance)["SQLALCHEMY_DATABASE_URI"])
        with proofkit.opened_with(instance, urls):
            assert proofkit.key_is_gone(day_key)
            assert proofkit.hits(proofkit.readable_plaintexts(("archive",)), delivery_needles) == []
