"""Nonces of sealed fields: drawn from the OS in batches, yet never handed out twice.

AES-GCM under one key is broken by a repeated nonce. ``aead`` draws 64 random nonces per
``os.urandom`` call and hands them out one by one: these tests hold it to handing out each
one once — across threads of one process and across a fork (a gunicorn worker must never
seal with a nonce its parent or a sibling also holds).
"""
from __future__ import annotations

import os
import threading

from sentem.security import aead, datakeys
from tests.builders import make_member


def _nonce_of(token: str) -> bytes:
    kid, body = aead.split(token)
    return bytes.fromhex(body)[:aead.NONCE_BYTES]


def test_threads_sealing_at_once_never_share_a_nonce():
    sealer = aead.Sealer(aead.new_key(), "k1")
    found: list[list[bytes]] = [[] for _ in range(8)]
    start = threading.Barrier(8)

    def work(mine: list[bytes]):
        start.wait()
        for _ in range(3000):
            mine.append(_nonce_of(sealer.seal("홍길동", "name")))

    threads = [threading.Thread(target=work, args=(mine,)) for mine in found]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [n for mine in found for n in mine]
    assert len(every) == 24000 and len(set(every)) == 24000
    assert all(len(n) == aead.NONCE_BYTES for n in every)


def test_a_forked_child_never_seals_with_a_nonce_its_parent_still_holds():
    # Empty the pool first: a pool holding its last nonce would be empty after one draw.
    aead._NONCES.clear()
    aead.new_nonce()  # the pool now holds the rest of a fresh batch
    held = len(aead._NONCES)
    assert held == aead._NONCE_BATCH - 1
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report the nonces it would use, then leave at once
        try:
            os.close(read_end)
            os.write(write_end, b"".join(aead.new_nonce() for _ in range(held + 5)))
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as fh:
        child = fh.read()
    os.waitpid(pid, 0)
    parent = [aead.new_nonce() for _ in range(held + 5)]
    child_nonces = {child[i:i + aead.NONCE_BYTES] for i in range(0, len(child), aead.NONCE_BYTES)}
    assert len(child_nonces) == held + 5
    assert not child_nonces & set(parent)


def test_preloaded_keys_seal_and_open_like_keys_unwrapped_one_by_one(app):
    """The context's cache holds each data key ready for use under its id and its key id;
    bulk preloading fills it the same way, and unloading leaves nothing behind."""
    m = make_member(name="배민지")
    token = m.name_ct
    datakeys.unload([m.data_key_id])
    assert datakeys.preload([m.data_key_id]) == [m.data_key_id]
    assert datakeys.open_token(token, "name").decode() == "배민지"
    assert datakeys.open_token(datakeys.seal(m.data_key_id, "새 이름", "name"), "name").decode() == "새 이름"
    raw = datakeys.raw_key(m.data_key_id)
    datakeys.unload([m.data_key_id])
    assert datakeys.raw_key(m.data_key_id) == raw  # unwrapped again from the key store
    datakeys.unload([m.data_key_id])
    cache = datakeys.buckets._cache()
    assert m.data_key_id not in cache  # and no sealer of that key under any other name
    assert not [v for v in cache.values() if getattr(v, "kid", None) == f"k{m.data_key_id}"]
