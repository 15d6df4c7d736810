"""Blind-index keys (issue 13, part 1): replaced after a destruction, while logins and
duplicate checks keep working; an index an older backup holds cannot be recomputed
with any key the shop keeps. Runs on both suite set-ups (SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import update

from sentem.accounts import services as accounts
from sentem.accounts import verification
from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.security import blind_index, datakeys, indexkeys, reindex
from tests.builders import make_member
from tests.retention import proofkit


def _finds(member_id: int, login_id: str, email: str, mobile: str) -> bool:
    db.session.expire_all()
    by_mobile = db.session.query(Member.id).filter(Member.mobile.matches(mobile)).scalar()
    return ((accounts.find_by_login_id(login_id) or Member()).id == member_id
            and (accounts.find_by_email(email) or Member()).id == member_id and by_mobile == member_id)


def test_init_makes_an_index_key_of_the_key_store_from_the_start(app):
    st = indexkeys.state()
    assert st is not None and st.current and st.previous is None and st.generation >= 1
    m = make_member()
    assert m.email_bidx.startswith(indexkeys.tag(st.generation)) and len(m.email_bidx) == 64
    legacy = blind_index.compute("email", m.email, key=datakeys.keyring().index_key())
    assert m.email_bidx != legacy  # nothing is indexed under the master-derived key


def test_a_destruction_replaces_the_key_and_lookups_keep_working(app):
    gen = indexkeys.state().generation
    old_key = indexkeys.state().current
    gone = make_member()
    stays = make_member(login_id="stays01", email="stays01@example.com", mobile="010-5555-0101")
    before = stays.email_bidx
    withdrawn = proofkit.withdraw(gone.id)
    out = proofkit.run_retention(app, withdrawn + _dt.timedelta(days=1))
    assert "index_key_shred" in out and "index_rekey" in out
    st = indexkeys.state()
    assert st.generation == gen + 1 and st.previous is None and st.current != old_key
    assert proofkit.key_is_gone(old_key)
    db.session.expire_all()
    stays = db.session.get(Member, stays.id)
    assert stays.email_bidx != before and stays.email_bidx.startswith(indexkeys.tag(gen + 1))
    assert _finds(stays.id, "stays01", "STAYS01@example.com ", "01055550101")
    # A run with no member destroyed leaves the key alone.
    proofkit.run_retention(app, withdrawn + _dt.timedelta(days=2))
    assert indexkeys.state().generation == gen + 1


def test_during_a_rotation_both_keys_find_and_duplicates_are_refused(app):
    early = make_member(login_id="early01", email="early01@example.com", mobile="010-5555-0202")
    reindex._begin()  # the new key is current; no row has been indexed again yet
    assert len(indexkeys.live()) == 2
    assert _finds(early.id, "early01", "early01@example.com", "010-5555-0202")  # under the old key
    late = make_member(login_id="late01", email="late01@example.com", mobile="010-5555-0303")
    assert late.email_bidx.startswith(indexkeys.live()[0].tag)
    assert _finds(late.id, "late01", "late01@example.com", "010-5555-0303")  # under the new key
    assert accounts.find_by_email("early01@example.com") is not None  # signup's duplicate check sees it
    # A writer that took the old key just before the switch, committing after its row was passed.
    old = indexkeys.live()[1]
    stale = old.tag + blind_index._tagged(old, "email", "late01@example.com", False)[len(old.tag):]
    db.session.execute(update(Member).where(Member.id == late.id).values(email_bidx=stale))
    db.session.commit()
    done = reindex.rotate()  # resumes the rotation it began, heals the straggler
    assert done["rows"] >= 2 and indexkeys.state().previous is None and len(indexkeys.live()) == 1
    assert _finds(early.id, "early01", "early01@example.com", "010-5555-0202")
    assert _finds(late.id, "late01", "late01@example.com", "010-5555-0303")


def test_an_email_link_sent_before_a_rotation_still_verifies(app):
    m = make_member()
    token = verification.make_token(m)
    reindex.rotate()
    assert verification.verify(token).id == m.id


def test_a_rotation_a_sweep_missed_is_due_until_done(app):
    """The trigger is durable (shreds recorded in the key store), not the sweep's own counts."""
    from sentem import clock

    assert not reindex.due()
    m = make_member()
    datakeys.shred(m.data_key_id)  # as if a sweep shredded it and then failed before the rotation
    db.session.commit()
    assert reindex.due()
    out = proofkit.run_retention(app, clock.today())
    assert "index_key_shred" in out and not reindex.due()
