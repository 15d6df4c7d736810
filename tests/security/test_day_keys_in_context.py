"""A day-bound value's keys within one request (issue 19, checkout): its day key and its
owner's key come from the key store in one read, the day key's id is read once per
request — and neither shortcut ever serves a key that was shredded or rolled back."""
from __future__ import annotations

import pytest

from sentem.extensions import db
from sentem.security import aead, buckets, datakeys, expiring
from sentem.security.keystore import DataKey
from tests.builders import make_member
from tests.statements import counted

DAY = "until:2031-06-30"


def _new_context_cache() -> None:
    """What the next request starts with: no unwrapped keys, no remembered ids."""
    buckets._cache().clear()
    db.session.expunge_all()


def _committed_day_key(name: str = DAY) -> int:
    key_id = expiring.key_named(name)
    db.session.commit()
    _new_context_cache()
    return key_id


def test_a_day_bound_value_reads_both_its_keys_in_one_query(app):
    owner, day = make_member().data_key_id, _committed_day_key()
    _new_context_cache()
    with counted() as seen:
        token = datakeys.seal_until(day, owner, "서울특별시 중구 세종대로 110", "delivery_address1")
    assert len([s for s in seen if "data_keys" in s]) == 1, seen
    _new_context_cache()
    with counted() as seen:
        assert datakeys.open_token(token, "delivery_address1") == "서울특별시 중구 세종대로 110".encode()
    assert len([s for s in seen if "data_keys" in s]) == 1, seen


@pytest.mark.parametrize("shredded", ["day", "owner"])
def test_a_shredded_day_or_owner_key_still_opens_nothing(app, shredded):
    owner, day = make_member().data_key_id, _committed_day_key()
    token = datakeys.seal_until(day, owner, "010-1234-5678", "recipient_phone")
    datakeys.shred(day if shredded == "day" else owner)
    db.session.commit()
    _new_context_cache()
    with pytest.raises(aead.KeyDestroyed):
        datakeys.open_token(token, "recipient_phone")


def test_the_day_key_id_is_read_once_per_request(app):
    day = _committed_day_key()
    with counted() as seen:
        assert expiring.key_named(DAY) == day and expiring.key_named(DAY) == day
    assert len(seen) == 1, seen


def test_a_day_key_made_in_a_transaction_that_rolls_back_is_never_used_again(app):
    made = expiring.key_named(DAY)
    assert expiring.key_named(DAY) == made  # still in the same transaction: the same key
    db.session.rollback()
    again = expiring.key_named(DAY)  # made anew (SQLite may give it the same id again)
    db.session.commit()
    _new_context_cache()
    assert db.session.get(DataKey, again).label == DAY and datakeys.raw_key(again)


def test_a_remembered_day_key_is_forgotten_when_it_is_shredded(app):
    day = _committed_day_key()
    assert expiring.key_named(DAY) == day  # remembered for this context from here
    datakeys.shred(day)
    db.session.commit()
    replacement = expiring.key_named(DAY)  # a new key, not the remembered id of the shredded one
    assert db.session.get(DataKey, replacement).label == DAY


def test_a_key_made_and_used_in_a_transaction_that_rolls_back_is_forgotten(app):
    """A job that makes a key per item and rolls an item back: the next item's key may get the
    same id (SQLite reuses it), and must not be sealed with the rolled-back key's cipher."""
    gone = datakeys.create(kind="guest_order")
    datakeys.seal(gone, "홍길동", "orderer_name")  # its cipher is now in this context's cache
    db.session.rollback()
    again = datakeys.create(kind="guest_order")
    token = datakeys.seal(again, "김철수", "orderer_name")
    db.session.commit()
    _new_context_cache()
    assert datakeys.open_token(token, "orderer_name") == "김철수".encode()


def test_a_key_made_in_a_savepoint_that_rolls_back_is_forgotten(app):
    outer = expiring.key_named(DAY)  # made by this transaction
    with pytest.raises(RuntimeError), db.session.begin_nested():
        inner = datakeys.create(kind="guest_order")
        datakeys.seal(inner, "홍길동", "orderer_name")
        raise RuntimeError("this item fails")
    again = datakeys.create(kind="guest_order")
    token = datakeys.seal(again, "김철수", "orderer_name")
    assert expiring.key_named(DAY) == outer
    assert ("day key", DAY) not in buckets._cache()  # still this transaction's own: not remembered
    db.session.commit()
    _new_context_cache()
    assert datakeys.open_token(token, "orderer_name") == "김철수".encode()
