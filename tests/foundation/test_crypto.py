"""Field encryption: round trip, tamper detection, key rotation, blind indexes, shredding."""
from __future__ import annotations

import os
import shutil
import sqlite3

import pytest
from flask import g
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.security import aead, blind_index, datakeys
from tests.builders import make_member


def _forget_keys():
    """Drop this app context's cache of unwrapped data keys (as a new request would)."""
    g.pop("sentem_data_keys", None)


def _flip(token: str) -> str:
    # One hex digit of the body changed to another value. (Writing "A" over an "a" changed
    # nothing: hex is read in either case, and the test failed 1 time in 16.)
    prefix, kid, body = token.split("$")
    i = len(body) // 2
    return f"{prefix}${kid}${body[:i]}{'0' if body[i].lower() != '0' else '1'}{body[i + 1:]}"


def test_aead_round_trip_and_token_shape():
    key = aead.new_key()
    token = aead.seal(key, "k7", "홍길동 ✓", context="name")
    assert token.startswith("s2$k7$") and "홍길동" not in token
    assert aead.open_text(key, token, context="name") == "홍길동 ✓"
    # Sealing twice gives different tokens (fresh nonce), both open.
    assert aead.seal(key, "k7", "x", "name") != aead.seal(key, "k7", "x", "name")


@pytest.mark.parametrize("fmt", ["s2", "s1"])
def test_tokens_in_the_stored_format_open_and_the_context_still_binds(fmt):
    """A token written by hand to the documented format opens — ``s2`` (hex), and ``s1``
    (base64url), which every token written before 2026-12-02 has; the per-key memo of
    associated data never lets a token open under another field."""
    import base64

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = bytes(range(32))
    # Nonces chosen so that a base64url body holds the characters only that alphabet has.
    for nonce in (bytes(12), b"\xfb\xff\xbf" * 4):
        body = nonce + AESGCM(key).encrypt(nonce, "김철수".encode(), b"k7|name")
        stored = f"{fmt}$k7$" + (body.hex() if fmt == "s2" else base64.urlsafe_b64encode(body).decode())
        assert aead.Sealer(key, "k7").open(stored, "name").decode() == "김철수"
        assert aead.open_text(key, stored, "name") == "김철수"
    assert fmt == "s2" or set("-_") & set(stored)
    sealer = aead.Sealer(key, "k7")
    assert sealer.open(stored, "name").decode() == "김철수"
    with pytest.raises(aead.DecryptionError):  # the memo holds "name" now: "email" is still refused
        sealer.open(stored, "email")
    for i in range(300):  # many contexts (bulk readers): the memo stays bounded and correct
        assert sealer.open(sealer.seal(f"v{i}", f"datakey:{i}"), f"datakey:{i}") == f"v{i}".encode()
    assert len(sealer._aad) <= 256
    with pytest.raises(aead.DecryptionError):  # another key's token, even with the right body
        sealer.open(stored.replace("$k7$", "$k8$"), "name")


def test_member_fields_round_trip_through_the_database(app):
    m = make_member(name="김철수", email="kim@example.com", address1="서울특별시 중구 세종대로 1")
    db.session.expire_all()
    _forget_keys()
    again = db.session.get(Member, m.id)
    assert (again.name, again.email, again.address1) == ("김철수", "kim@example.com", "서울특별시 중구 세종대로 1")
    row = db.session.execute(text("SELECT name_ct, email_ct, address1_ct FROM members WHERE id = :i"),
                             {"i": m.id}).one()
    for stored, plain in zip(row, ("김철수", "kim@example.com", "서울특별시")):
        assert aead.is_token(stored) and plain not in stored
        assert aead.key_id(stored) == f"k{m.data_key_id}"


def test_sealed_column_refuses_plaintext(app):
    m = make_member()
    m.name_ct = "홍길동"
    with pytest.raises(StatementError, match="refusing to store plaintext"):
        db.session.flush()
    db.session.rollback()


def test_tampered_tokens_raise(app):
    m = make_member(name="이영희")
    other = make_member(name="박민수")
    token = m.name_ct
    key = datakeys.raw_key(m.data_key_id)

    with pytest.raises(aead.DecryptionError):  # one byte of ciphertext flipped
        aead.open_text(key, _flip(token), "name")
    with pytest.raises(aead.DecryptionError):  # truncated
        aead.open_text(key, token[:-8], "name")
    for broken in (token[:-1], token[:-4] + "zzzz", token[:-2] + "가"):  # odd length, not hex, not ASCII
        with pytest.raises(aead.DecryptionError):
            aead.open_text(key, broken, "name")
        with pytest.raises(aead.DecryptionError):
            datakeys.open_token(broken, "name")
    with pytest.raises(aead.DecryptionError):  # not a token at all
        datakeys.open_token("이영희", "name")
    # Relabelled with another member's key id: that key does not open it.
    relabelled = token.replace(f"$k{m.data_key_id}$", f"$k{other.data_key_id}$")
    with pytest.raises(aead.DecryptionError):
        datakeys.open_token(relabelled, "name")
    # Even with the right key, a changed key id fails: the id is authenticated.
    with pytest.raises(aead.DecryptionError):
        aead.open_text(key, relabelled, "name")
    # Moved to another column (another item's context) it does not open either.
    m.address1_ct = token
    with pytest.raises(aead.DecryptionError):
        _ = m.address1
    with pytest.raises(aead.DecryptionError):
        datakeys.open_token(token, "email")
    # The genuine token still opens.
    assert datakeys.open_token(token, "name").decode() == "이영희"
    db.session.rollback()


def test_key_rotation_keeps_old_tokens_and_uses_new_key(app, runner):
    from sentem.security.keystore import KeyBucket

    ring = app.extensions["sentem_keyring"]
    m = make_member(name="최유진")
    old_master_token = ring.seal("staff note", context="staff_name")
    assert aead.key_id(old_master_token) == "m1"
    bucket_id = m.data_key_id // 256
    data_wrapped = db.session.get(datakeys.DataKey, m.data_key_id).wrapped
    bucket_before = db.session.get(KeyBucket, bucket_id).wrapped
    assert aead.key_id(data_wrapped) == f"b{bucket_id}.1" and aead.key_id(bucket_before) == "r1"

    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "m2" in result.output and "r2" in result.output

    assert ring.current_kid == "m2"
    assert os.stat(ring.path).st_mode & 0o777 == 0o600
    db.session.expire_all()
    _forget_keys()
    bucket = db.session.get(KeyBucket, bucket_id)
    assert aead.key_id(bucket.wrapped) == "r2"  # bucket keys were re-wrapped under the new root
    assert bucket.wrapped != bucket_before
    assert db.session.get(Member, m.id).name == "최유진"  # member data still opens
    assert ring.open_bytes(old_master_token, "staff_name") == b"staff note"  # old master token too
    assert aead.key_id(ring.seal("new", context="staff_name")) == "m2"  # new writes: new key
    # A new data key lands in a bucket under the new root, and the blind index did not change.
    new_key = datakeys.create()
    assert aead.key_id(db.session.get(KeyBucket, new_key // 256).wrapped) == "r2"
    assert m.email_bidx == blind_index.compute("email", m.email)


def test_blind_index_lookup(app):
    make_member(email="first@example.com", mobile="010-1111-2222")
    target = make_member(email="Target.Person@Example.com", mobile="010-3333-4444")

    def by_email(value):
        return db.session.execute(select(Member).where(Member.email.matches(value))).scalar_one_or_none()

    assert by_email(" target.person@EXAMPLE.com ").id == target.id  # normalised: trim, case
    assert by_email("nobody@example.com") is None
    # A phone is indexed by its digits: however it is typed, it finds the same member.
    for typed in ("+82 10 3333 4444", "01033334444", "010.3333.4444", "８２-10-3333-4444"):
        assert db.session.execute(select(Member).where(Member.mobile.matches(typed))).scalar_one().id == target.id
    assert target.mobile_bidx == blind_index.compute("mobile", "010-3333-4444", phone=True)
    # Keyed by item kind: the same text gives different indexes for different items.
    assert blind_index.compute("email", "a@b.c") != blind_index.compute("login_id", "a@b.c")
    assert len(blind_index.compute("email", "a@b.c")) == 64
    # Keyed: without the installation's key the index cannot be recomputed.
    assert blind_index.compute("email", "a@b.c", key=b"x" * 32) != blind_index.compute("email", "a@b.c")


def test_shredding_defeats_an_earlier_copy(app, tmp_path):
    m = make_member(name="정하늘", email="sky@example.com")
    kid = m.data_key_id
    main_url = str(db.engines[None].url)
    if main_url.startswith("sqlite"):
        # A backup of the main database file, taken before the member's key is destroyed.
        db.session.commit()
        backup = tmp_path / "backup.db"
        shutil.copyfile(db.engines[None].url.database, backup)
        with sqlite3.connect(backup) as conn:
            tokens = conn.execute("SELECT name_ct, email_ct FROM members WHERE id = ?", (m.id,)).fetchone()
    else:
        # No file to copy on PostgreSQL: the ciphertext as read (and dumped) before shredding.
        tokens = db.session.execute(text("SELECT name_ct, email_ct FROM members WHERE id = :i"),
                                    {"i": m.id}).one()
    assert datakeys.open_token(tokens[0], "name").decode() == "정하늘"
    wrapped = db.session.get(datakeys.DataKey, kid).wrapped

    assert datakeys.shred(kid) is True
    db.session.commit()
    _forget_keys()

    for token, item in zip(tokens, ("name", "email")):
        with pytest.raises(aead.KeyDestroyed):
            datakeys.open_token(token, item)
    assert datakeys.shred(kid) is False  # already gone
    # The wrapped key is gone from the key store; on SQLite not even in free pages.
    assert db.session.get(datakeys.DataKey, kid) is None
    keys_url = db.engines["keys"].url
    if keys_url.drivername.startswith("sqlite"):
        for engine in db.engines.values():
            engine.dispose()
        with open(keys_url.database, "rb") as fh:
            assert wrapped.encode() not in fh.read()
    # Other members are untouched.
    other = make_member(name="다른회원")
    _forget_keys()
    assert db.session.get(Member, other.id).name == "다른회원"


def test_a_shredded_key_stops_opening_at_once_in_the_same_context(app):
    """Keys (and their prepared ciphers) are cached per app context; a shred empties both,
    so the very request that destroys a member cannot read or write under the key any more."""
    m = make_member(name="정하늘")
    token = m.name_ct
    assert datakeys.open_token(token, "name").decode() == "정하늘"  # key and cipher now cached
    datakeys.shred(m.data_key_id)
    with pytest.raises(aead.KeyDestroyed):
        datakeys.open_token(token, "name")
    with pytest.raises(aead.KeyDestroyed):
        datakeys.seal(m.data_key_id, "새 값", "name")
    db.session.rollback()


@pytest.mark.parametrize("shredded", ["member key", "day key"])
def test_a_shredded_key_stops_day_bound_tokens_at_once_in_the_same_context(app, shredded):
    """A value sealed under a member key and a day key, opened (so its derived cipher is
    cached under every name the cache keeps), stops opening the moment either key is shredded."""
    m = make_member(name="정하늘")
    day = datakeys.labelled_key("expiry", "until:2031-12-31")
    token = datakeys.seal_until(day, m.data_key_id, "192.0.2.7", "ip")
    assert datakeys.open_token(token, "ip") == b"192.0.2.7"
    assert datakeys.open_many([token], "ip") == [b"192.0.2.7"]
    datakeys.shred(m.data_key_id if shredded == "member key" else day)
    with pytest.raises(aead.KeyDestroyed):
        datakeys.open_token(token, "ip")
    with pytest.raises(aead.KeyDestroyed):
        datakeys.open_many([token], "ip")
    db.session.rollback()
