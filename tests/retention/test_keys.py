"""The key hierarchy: a shred re-keys one bucket, a destruction run starts a new epoch,
and the old root is erased in time — after which no old copy of the key store opens."""
from __future__ import annotations

import datetime as _dt
import os

import pytest
from sqlalchemy import select

from sentem import clock
from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.privacy.retention import services
from sentem.privacy.retention.sweep import sweep
from sentem.security import aead, buckets, datakeys, indexkeys, rootkey
from sentem.security.keystore import BUCKET_SIZE, DataKey, KeyBucket, KeyShred
from tests.builders import make_member


def _copy_of_key_store(key_id: int) -> dict:
    """What a backup (or a WAL segment) of the key store holds for one data key."""
    b = key_id // BUCKET_SIZE
    row = db.session.get(DataKey, key_id)
    bucket = db.session.get(KeyBucket, b)
    return {"id": key_id, "bucket": b, "gen": bucket.gen, "data": row.wrapped, "bucket_wrapped": bucket.wrapped}


def _open_copy(copy: dict) -> bytes:
    """An attacker with the copy and every root the shop holds now."""
    epoch = int(aead.key_id(copy["bucket_wrapped"])[1:])
    root = buckets.root_file().key(epoch)
    braw = aead.open_bytes(root, copy["bucket_wrapped"], f"bucket:{copy['bucket']}.{copy['gen']}")
    return aead.open_bytes(braw, copy["data"], f"datakey:{copy['id']}")


def _withdraw(member):
    member.status = "withdrawn"
    services.schedule_withdrawal(member.id)
    db.session.commit()


def test_shred_rekeys_one_bucket_and_neighbours_still_open(app):
    leaving, staying = make_member(name="떠날사람"), make_member(name="남을사람")
    assert leaving.data_key_id // BUCKET_SIZE == staying.data_key_id // BUCKET_SIZE
    leaving_copy, staying_copy = _copy_of_key_store(leaving.data_key_id), _copy_of_key_store(staying.data_key_id)
    staying_id, index_key = staying.id, indexkeys.state().current
    _withdraw(leaving)
    s = sweep()
    assert s.counts[("member", "key_shred")] == 1 and s.counts[("keys", "bucket_rekey")] == 1
    bucket = db.session.get(KeyBucket, staying_copy["bucket"])
    assert bucket.gen == 2 and bucket.rekey_by is None and aead.key_id(bucket.wrapped) == "r2"
    assert db.session.get(KeyShred, leaving_copy["id"]).kind == "member"
    db.session.expire_all()
    datakeys.buckets._cache().clear()
    assert db.session.get(Member, staying_id).name == "남을사람"
    # Within the grace period a copy of the key store still opens (a recent backup is
    # restorable); the root file says when that ends.
    assert _open_copy(staying_copy) == datakeys.raw_key(staying_copy["id"])
    assert _open_copy(leaving_copy)
    retired = [r for r in buckets.root_file().epochs() if r["retired"]]
    assert [r["e"] for r in retired] == [1]
    assert sorted(retired[0]["shredded"]) == sorted([leaving_copy["id"], index_key])  # the index key went too
    erase_at = _dt.datetime.fromisoformat(retired[0]["erase_at"])
    assert erase_at <= clock.now() + rootkey.GRACE
    assert erase_at <= services.DEADLINE + clock.now() - rootkey.MARGIN  # before the withdrawal's deadline

    clock.freeze(erase_at + _dt.timedelta(minutes=1))
    s = sweep()
    assert s.counts[("keys", "root_erase")] == 1
    for copy in (leaving_copy, staying_copy):  # every old copy of the key store is worthless now
        with pytest.raises(aead.KeyDestroyed):
            _open_copy(copy)
    datakeys.buckets._cache().clear()
    assert db.session.get(Member, staying_id).name == "남을사람"  # the live key store still opens


def test_a_late_destruction_erases_the_old_root_in_the_same_run(app):
    m = make_member()
    copy = _copy_of_key_store(m.data_key_id)
    _withdraw(m)
    clock.advance(days=6)  # the sweep ran late: the deadline has passed
    s = sweep()
    assert s.counts[("member", "key_shred")] == 1 and s.counts[("keys", "root_erase")] == 1
    with pytest.raises(aead.KeyDestroyed):
        _open_copy(copy)
    assert [r["e"] for r in buckets.root_file().epochs()] == [2]


def test_root_file_is_overwritten_in_place(app):
    make_member()
    root = buckets.root_file()
    with open(root.path, "rb") as fh:
        old_bytes = fh.read()
    first_key = rootkey.base64.urlsafe_b64encode(root.key(1))
    assert first_key in old_bytes
    inode = os.stat(root.path).st_ino
    assert os.stat(root.path).st_mode & 0o777 == 0o600
    datakeys.rewrap_all()  # `keys rotate`: epoch 2, epoch 1 retired
    clock.advance(days=4)
    datakeys.after_destruction()
    with open(root.path, "rb") as fh:
        now_bytes = fh.read()
    assert first_key not in now_bytes and len(now_bytes) == len(old_bytes)
    assert os.stat(root.path).st_ino == inode  # the same file, written over, never replaced
    assert [os.path.basename(p) for p in os.listdir(os.path.dirname(root.path))
            if p.startswith(rootkey.FILE_NAME)] == [rootkey.FILE_NAME]


def test_root_file_survives_a_crash_between_its_two_writes(app, tmp_path):
    path = str(tmp_path / "roots.bin")
    root = rootkey.RootFile(path)
    first_epoch, first_key = root.current()
    with open(path, "rb") as fh:
        before = fh.read()
    new_epoch = root.rotate(clock.now(), None, {})
    with open(path, "rb") as fh:
        after = fh.read()
    slot = rootkey.SLOT_BYTES

    def reopen(data: bytes):
        with open(path, "wb") as fh:
            fh.write(data)
        return rootkey.RootFile(path)

    # Killed after the first slot was written: the new state wins.
    assert reopen(after[:slot] + before[slot:]).current()[0] == new_epoch
    # Killed halfway through the first write: the old state is still whole.
    torn = after[:60] + b"\xff" * (slot - 60) + before[slot:]
    assert reopen(torn).current() == (first_epoch, first_key)


def test_keys_created_while_a_bucket_is_rekeyed_stay_readable(app):
    """Create, shred and re-key interleave in one bucket: every live key still opens."""
    members = [make_member() for _ in range(4)]
    ids = [m.data_key_id for m in members]
    datakeys.shred(ids[1])
    db.session.commit()
    late = datakeys.create()  # made after the shred, before the re-key: re-wrapped with the rest
    db.session.commit()
    datakeys.after_destruction()
    datakeys.buckets._cache().clear()
    for key_id in (ids[0], ids[2], ids[3], late):
        assert len(datakeys.raw_key(key_id)) == 32
    with pytest.raises(aead.KeyDestroyed):
        datakeys.raw_key(ids[1])
    wrapped = {aead.key_id(w) for w in db.session.execute(select(DataKey.wrapped)).scalars()}
    assert wrapped == {f"b{ids[0] // BUCKET_SIZE}.2"}


def test_a_root_left_unerased_fails_the_health_check(app, client):
    _withdraw(make_member())
    sweep()
    erase_at = _dt.datetime.fromisoformat(next(r for r in buckets.root_file().epochs() if r["retired"])["erase_at"])
    assert client.get("/healthz").get_json()["checks"]["retention"]["ok"]
    clock.freeze(erase_at + _dt.timedelta(days=1))  # no sweep ran since: the worker is down
    resp = client.get("/healthz")
    assert resp.status_code == 503 and "r1" in resp.get_json()["checks"]["retention"]["detail"]
    sweep()
    assert client.get("/healthz").get_json()["checks"]["retention"]["ok"]


def test_threads_creating_the_root_at_once_all_get_the_same_root(tmp_path):
    """Concurrent first signups in one process all create the root file: one wins, all agree."""
    import threading

    path = str(tmp_path / "key-root.bin")
    barrier, results, errors = threading.Barrier(8), [], []

    def create():
        barrier.wait()
        try:
            results.append(rootkey.RootFile(path).current())
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == [] and len(results) == 8 and len(set(results)) == 1
    assert sorted(os.listdir(tmp_path)) == ["key-root.bin"]  # no temporary file left behind
    assert os.stat(path).st_mode & 0o777 == 0o600
