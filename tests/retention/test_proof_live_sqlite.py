"""Proof on SQLite (issue 13, gap 2): records of a member who never withdraws die on their
day in every older copy. Copies of the three database files taken before and after staff
answer an inquiry, opened past its retain-until + 6 days with every secret the shop then
holds, show nothing of it (nor of a login past its 5 years), while the member's profile
still opens through today's key store."""
from __future__ import annotations

import datetime as _dt

from sentem.extensions import db
from sentem.support.models import Inquiry
from tests.retention import attacker, livekit, proofkit
from tests.retention.pgcluster import tree_files
from tests.retention.test_proof_sqlite import _copy_databases


def _opened(instance: str, copy_dir: str, keys_today: bool):
    urls = proofkit.sqlite_urls(copy_dir)
    if keys_today:  # an old main database with today's key store: members who stay read
        urls["SENTEM_KEYSTORE_DATABASE_URL"] = proofkit.sqlite_urls(instance)["SENTEM_KEYSTORE_DATABASE_URL"]
    return proofkit.opened_with(instance, urls)


def _check_gone(app, instance: str, copies: dict, needles: list, day_keys: list, facts: dict) -> list:
    """Nothing of ``needles`` in any file or copy; returns what the member's copies still read."""
    roots, masters = proofkit.current_secrets(app)
    files = tree_files(instance) + [f for paths in copies.values() for f in paths]
    assert proofkit.scan_files(files, livekit.INQUIRY_NEEDLES + livekit.LOGIN_NEEDLES) == []
    tokens = attacker.harvest(files)
    livekit.assert_only_day_keys_dead(tokens, day_keys, facts["key_id"], roots, masters)
    still = []
    for copy_dir in copies:
        still += livekit.read_copy(lambda keys_today, d=copy_dir: _opened(instance, d, keys_today), needles)
    return still


def test_a_staying_members_inquiry_and_login_die_on_their_day_in_older_copies(tmp_path):
    instance = str(tmp_path / "instance")
    with proofkit.migrated_shop(instance, proofkit.sqlite_urls(instance)) as app:
        facts = livekit.populate()
        asked_dir, answered_dir = str(tmp_path / "asked"), str(tmp_path / "answered")
        asked = _copy_databases(instance, asked_dir)  # the question under the day key of its asking
        livekit.answer(facts)
        answered = _copy_databases(instance, answered_dir)  # question and answer under their end's day key
        copies = {asked_dir: asked, answered_dir: answered}
        with _opened(instance, answered_dir, keys_today=True):  # before the end, the copy reads
            assert proofkit.hits(livekit.readable(), livekit.INQUIRY_NEEDLES) == livekit.INQUIRY_NEEDLES

        # (1) past the inquiry's retain-until + 6 days: the inquiry is gone from every copy;
        # the login (5 years) still reads, and so does the member.
        out = proofkit.run_retention(app, facts["inquiry_until"] + _dt.timedelta(days=6))
        assert "expiry_key_shred" in out and "root_erase" in out
        assert db.session.get(Inquiry, facts["inquiry_id"]) is None
        still = _check_gone(app, instance, copies, livekit.INQUIRY_NEEDLES,
                            [facts["open_day_key"], facts["inquiry_day_key"]], facts)
        assert proofkit.hits(still, livekit.LOGIN_NEEDLES) == livekit.LOGIN_NEEDLES

        # (2) past the login's retain-until + 6 days: the login is gone too; the member stays readable.
        out = proofkit.run_retention(app, livekit.login_end(facts) + _dt.timedelta(days=6))
        assert "expiry_key_shred" in out and "root_erase" in out
        _check_gone(app, instance, copies, livekit.INQUIRY_NEEDLES + livekit.LOGIN_NEEDLES,
                    [facts["login_day_key"]], facts)
        assert livekit.member_reads(livekit.readable())
