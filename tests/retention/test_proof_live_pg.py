"""Proof on PostgreSQL (issue 13, gap 2): records of a member who never withdraws die on
their day in every copy — dumps and a base backup taken before and after staff answer an
inquiry, the WAL, the WAL archive and the cluster's own files — opened past the record's
retain-until + 6 days with every secret the shop then holds; the member's profile still
opens through today's key store."""
from __future__ import annotations

import datetime as _dt

from sentem.extensions import db
from sentem.support.models import Inquiry
from tests.retention import attacker, livekit, proofkit
from tests.retention.pgcluster import shop_on, tree_files
from tests.retention.proofkit import opened_with

DBS = ("live", "live_archive", "live_keys")


def _urls(cluster, prefix: str, keys_today: bool) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": cluster.url(f"{prefix}live"),
            "SENTEM_ARCHIVE_DATABASE_URL": cluster.url(f"{prefix}live_archive"),
            "SENTEM_KEYSTORE_DATABASE_URL": cluster.url("live_keys" if keys_today else f"{prefix}live_keys")}


def _backup(cluster, tmp_path, name: str) -> dict:
    cluster.sql("CHECKPOINT")
    cluster.base_backup(str(tmp_path / f"base-{name}"))
    return {db_name: cluster.dump(db_name) for db_name in DBS}


def _check_gone(app, cluster, tmp_path, dumps: dict, needles: list, day_keys: list, facts: dict, run: str) -> list:
    """Nothing of ``needles`` anywhere; returns what the restored copies still read with today's keys."""
    cluster.archive_current_wal()
    roots, masters = proofkit.current_secrets(app)
    files = cluster.files() + [f for name in dumps for f in tree_files(str(tmp_path / f"base-{name}"))]
    assert proofkit.scan_files(files, livekit.INQUIRY_NEEDLES + livekit.LOGIN_NEEDLES) == []
    tokens = attacker.harvest(files, [d for copy in dumps.values() for d in copy.values()])
    livekit.assert_only_day_keys_dead(tokens, day_keys, facts["key_id"], roots, masters)
    still = []
    for name, copy in dumps.items():
        prefix = f"{run}_{name}_"
        for db_name, dump in copy.items():
            cluster.restore(dump, prefix + db_name)
        still += livekit.read_copy(
            lambda keys_today, p=prefix: opened_with(app.config["SENTEM_INSTANCE_PATH"], _urls(cluster, p, keys_today)),
            needles)
    return still


def test_a_staying_members_inquiry_and_login_die_on_their_day_in_every_copy(pg_cluster, tmp_path):
    instance = str(tmp_path / "instance")
    with shop_on(pg_cluster, "live", instance) as app:
        facts = livekit.populate()
        dumps = {"asked": _backup(pg_cluster, tmp_path, "asked")}  # the question under its asking day's key
        livekit.answer(facts)
        dumps["answered"] = _backup(pg_cluster, tmp_path, "answered")  # under its end's day key
        assert proofkit.scan_files(pg_cluster.files(), livekit.INQUIRY_NEEDLES + livekit.LOGIN_NEEDLES) == []

        # (1) past the inquiry's retain-until + 6 days: gone from every copy; the login still reads.
        out = proofkit.run_retention(app, facts["inquiry_until"] + _dt.timedelta(days=6))
        assert "expiry_key_shred" in out and "root_erase" in out and "VACUUM FULL" in out
        assert db.session.get(Inquiry, facts["inquiry_id"]) is None
        still = _check_gone(app, pg_cluster, tmp_path, dumps, livekit.INQUIRY_NEEDLES,
                            [facts["open_day_key"], facts["inquiry_day_key"]], facts, "r1")
        assert proofkit.hits(still, livekit.LOGIN_NEEDLES) == livekit.LOGIN_NEEDLES

        # (2) past the login's retain-until + 6 days: the login is gone too; the member stays readable.
        out = proofkit.run_retention(app, livekit.login_end(facts) + _dt.timedelta(days=6))
        assert "expiry_key_shred" in out and "root_erase" in out
        _check_gone(app, pg_cluster, tmp_path, dumps, livekit.INQUIRY_NEEDLES + livekit.LOGIN_NEEDLES,
                    [facts["login_day_key"]], facts, "r2")
        assert livekit.member_reads(livekit.readable())
