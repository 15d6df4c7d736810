"""Proof on PostgreSQL (issue 13): every copy taken before a withdrawal — dumps, a base
backup, WAL, the WAL archive, the cluster's own files — shows nothing of the member
after the sweep at +6 days, opened with every secret the shop then holds; and the same
for an archived delivery record at its retain-until + 6 days."""
from __future__ import annotations

import datetime as _dt

from sentem import clock
from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.privacy.retention import archive
from tests.retention import attacker, proofkit
from tests.retention.pgcluster import shop_on, tree_files
from tests.retention.proofkit import opened_with

DBS = ("proof", "proof_archive", "proof_keys")


def _urls(cluster, main: str, archive_db: str, keys: str) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": cluster.url(main), "SENTEM_ARCHIVE_DATABASE_URL": cluster.url(archive_db),
            "SENTEM_KEYSTORE_DATABASE_URL": cluster.url(keys)}


def test_copies_from_before_a_withdrawal_show_nothing_of_the_member(pg_cluster, tmp_path):
    instance = str(tmp_path / "instance")
    with shop_on(pg_cluster, "proof", instance) as app:
        facts = proofkit.populate()
        needles = facts["needles"]
        pg_cluster.sql("CHECKPOINT")
        before = {name: pg_cluster.dump(name) for name in DBS}
        pg_cluster.base_backup(str(tmp_path / "base-before"))
        assert proofkit.scan_files(pg_cluster.files(), needles) == []  # encrypted from the start
        assert attacker.recover(attacker.harvest(blobs=before.values()), facts["key_id"],
                                *proofkit.current_secrets(app))  # before the withdrawal the copies do open
        assert proofkit.index_guesses(app) & proofkit.stored_indexes()  # the index attack works, before

        withdrawn = proofkit.withdraw(facts["member_id"])
        out = proofkit.run_retention(app, withdrawn + _dt.timedelta(days=6))
        assert "key_shred" in out and "bucket_rekey" in out and "root_erase" in out
        assert "VACUUM FULL" in out and "data_keys" in out
        pg_cluster.archive_current_wal()
        roots, masters = proofkit.current_secrets(app)

        # (b) the cluster's files, the WAL archive, the base backup and the dumps: no plaintext,
        # and no copy of the member's data key opens with the roots the shop still holds.
        files = pg_cluster.files() + tree_files(str(tmp_path / "base-before"))
        assert proofkit.scan_files(files, needles) == []
        tokens = attacker.harvest(files, before.values())
        assert attacker.recover(tokens, facts["key_id"], roots, masters) is None
        assert attacker.recover(tokens, facts["stayer_key"], roots, masters)  # the attack itself works
        # The member's blind indexes in the copies: no key the shop holds recomputes them.
        guesses = proofkit.index_guesses(app, tokens, [facts["index_key"]])
        assert attacker.recover(tokens, facts["index_key"], roots, masters) is None

        # (a) the pre-withdrawal dumps restored into fresh databases, opened with today's secrets.
        for name, dump in before.items():
            pg_cluster.restore(dump, f"restored_{name}")
        with opened_with(instance, _urls(pg_cluster, "restored_proof", "restored_proof_archive",
                                         "restored_proof_keys")):
            assert proofkit.key_is_gone(facts["key_id"])
            assert proofkit.hits(proofkit.readable_plaintexts(), needles) == []
            assert db.session.get(Member, facts["member_id"]) is not None  # the row came back, unreadable
            assert proofkit.stored_indexes() and not guesses & proofkit.stored_indexes()
        # The old main database with today's key store: members who stay read, the member does not.
        with opened_with(instance, _urls(pg_cluster, "restored_proof", "restored_proof_archive", "proof_keys")):
            assert proofkit.key_is_gone(facts["key_id"])
            plaintexts = proofkit.readable_plaintexts()
            assert proofkit.hits(plaintexts, needles) == []
            assert proofkit.STAYER["name"] in plaintexts

        # (c) the archived delivery record, at its retain-until + 6 days.
        records = [r for r in archive.lookup(facts["order_no"]) if r.record_class == "delivery"]
        assert records and archive.read_payload(records[0])
        day_key, until = records[0].key_id, records[0].retain_until
        archived = {name: pg_cluster.dump(name) for name in ("proof_archive", "proof_keys")}
        pg_cluster.base_backup(str(tmp_path / "base-archived"))
        delivery_needles = [v for k, v in proofkit.DELIVERY.items() if k != "delivery_memo"]
        out = proofkit.run_retention(app, clock.to_kst(until).date() + _dt.timedelta(days=6))
        assert "archive_destroy" in out and "archive_key_shred" in out and "root_erase" in out
        assert "archived_records" in out  # the archive's CTE delete was seen and scrubbed
        assert archive.lookup(facts["order_no"]) == []
        pg_cluster.archive_current_wal()
        roots, masters = proofkit.current_secrets(app)
        files = pg_cluster.files() + tree_files(str(tmp_path / "base-archived"))
        assert proofkit.scan_files(files, delivery_needles) == []
        tokens = attacker.harvest(files, archived.values())
        assert attacker.recover(tokens, day_key, roots, masters) is None
        for name, dump in archived.items():
            pg_cluster.restore(dump, f"archived_{name}")
        with opened_with(instance, _urls(pg_cluster, "proof", "archived_proof_archive", "archived_proof_keys")):
            assert proofkit.key_is_gone(day_key)
            assert proofkit.hits(proofkit.readable_plaintexts(("archive",)), delivery_needles) == []
