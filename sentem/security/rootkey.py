"""The erasable root of the key hierarchy: epoch root keys, kept in one small file.

Data keys are wrapped under bucket keys in the key store, and bucket keys under the
current *epoch root*, which lives only here — never in a database, a dump or a WAL
segment. Every destruction run starts a new epoch (``epochs.py``); the retired root
is kept a few days, so that a recent key-store backup can still be restored, and is
erased before the destruction deadline it covers. Once it is erased, every older
copy of a wrapped key (WAL, WAL archive, base backups, dumps, statistics) opens
with nothing the shop still holds.

Erasure is real only where the bytes are overwritten, so the file is never renamed,
copied or truncated after it is created. It holds two fixed-size slots; a write puts
the new state into the slot holding the older state and fsyncs, then writes the same
state over the other slot and fsyncs again. A crash between the two leaves one valid
slot (a reader takes the valid slot with the higher sequence number); after both, no
erased root survives in the file. Each retired epoch also lists the data keys shredded
while it was current, so that a restored key-store backup can be brought back in line
(``backup restore``) even when every database was lost.

In production the file lives where the operator's secret store puts it
(``SENTEM_KEY_ROOT_FILE``); the contract is in README, "What destruction reaches".
"""
from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import fcntl
import hashlib
import json
import os
import struct
import tempfile

from .. import clock
from . import aead

FILE_NAME = "key-root.bin"
MAGIC = b"SRK1"
SLOT_BYTES = 256 * 1024
_HEADER = struct.Struct(">4sQI32s")  # magic, sequence, body length, sha256(body)
GRACE = _dt.timedelta(days=3)  # a retired root is kept this long at most (restores of recent backups)
MARGIN = _dt.timedelta(days=2)  # and erased at least this long before the deadline it covers: a copy
# of the root file kept no longer than MARGIN is gone before any deadline its roots matter for


class RootMissing(aead.KeyDestroyed):
    """An epoch root that was erased (or never existed here) was asked for."""


class RootFile:
    """The epoch roots of one installation, read from and rewritten in place in ``path``."""

    def __init__(self, path: str):
        self.path = path
        self._sig = None
        self._state: dict | None = None

    # -- reading -------------------------------------------------------------------
    def state(self) -> dict:
        """``{"seq": n, "roots": [...]}``, re-read whenever the file changed."""
        if not os.path.exists(self.path):
            self._create()
        st = os.stat(self.path)
        sig = (st.st_ino, st.st_size, st.st_mtime_ns)
        if sig != self._sig or self._state is None:
            self._state, self._sig = _read(self.path), sig
        return self._state

    def current(self) -> tuple[int, bytes]:
        """The current epoch and its root key."""
        root = next(r for r in self.state()["roots"] if r["retired"] is None)
        return root["e"], _b64d(root["k"])

    def key(self, epoch: int) -> bytes:
        """The root of ``epoch``; raises RootMissing when it was erased."""
        for _ in (0, 1):
            for root in self.state()["roots"]:
                if root["e"] == epoch:
                    return _b64d(root["k"])
            self._sig = None  # another process may have rotated since: read once more
        raise RootMissing(f"epoch root r{epoch} was erased")

    def epochs(self) -> list[dict]:
        """The roots held, without their keys (for status pages and tests)."""
        return [{k: v for k, v in r.items() if k != "k"} for r in self.state()["roots"]]

    def shredded_since(self, epoch: int) -> set[int]:
        """Data keys shredded during ``epoch`` or later, as recorded in the retired epochs."""
        return {i for r in self.state()["roots"] if r["e"] >= epoch for i in r.get("shredded", ())}

    # -- writing (one writer at a time: an exclusive lock on the file) ----------------
    def rotate(self, now: _dt.datetime, erase_by: _dt.datetime | None, shredded: dict[int, list[int]]) -> int:
        """Retire the current root, start a new epoch; returns it.

        ``erase_by`` is the earliest destruction deadline the retired roots cover: each
        of them is erased no later than ``erase_by - MARGIN`` (and at most ``GRACE``
        after retiring). ``shredded`` lists, per epoch, the data keys shredded in it.
        """
        with self._locked() as state:
            self._record(state, shredded)
            cap = now + GRACE
            if erase_by is not None:
                cap = min(cap, erase_by - MARGIN)
            for root in state["roots"]:
                if root["retired"] is None:
                    root["retired"] = now.isoformat()
                    root["erase_at"] = max(now, cap).isoformat()
                elif erase_by is not None:  # older roots wrapped the same old bucket keys
                    root["erase_at"] = min(_t(root["erase_at"]), max(now, cap)).isoformat()
            epoch = max(r["e"] for r in state["roots"]) + 1
            state["roots"].append(_new_root(epoch, now))
        return epoch

    def record(self, shredded: dict[int, list[int]]) -> None:
        """Add data keys shredded per epoch to the file (no rotation)."""
        with self._locked() as state:
            self._record(state, shredded)

    def erase_due(self, now: _dt.datetime, keep: set[int] = frozenset()) -> list[int]:
        """Erase every retired root whose time has come (except epochs in ``keep``); returns them."""
        due = [r["e"] for r in self.state()["roots"] if r["retired"] is not None
               and _t(r["erase_at"]) <= now and r["e"] not in keep]
        if not due:
            return []
        with self._locked() as state:
            state["roots"] = [r for r in state["roots"] if r["e"] not in due]
        return due

    @staticmethod
    def _record(state: dict, shredded: dict[int, list[int]]) -> None:
        for root in state["roots"]:
            ids = shredded.get(root["e"])
            if ids:
                root["shredded"] = sorted(set(root.get("shredded", [])) | set(ids))

    @contextlib.contextmanager
    def _locked(self):
        """The state under an exclusive lock; written back (both slots) when the block succeeds."""
        self.state()  # creates the file on first use
        fd = os.open(self.path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            state = _read_fd(fd)
            yield state
            state["seq"] += 1
            _write_both(fd, state)
            self._sig = None
        finally:
            os.close(fd)  # releases the lock

    def _create(self) -> None:
        folder = os.path.dirname(self.path) or "."
        os.makedirs(folder, mode=0o700, exist_ok=True)
        # A name of its own per caller (mkstemp: 0600, O_EXCL): threads of one process race too.
        fd, tmp = tempfile.mkstemp(prefix=os.path.basename(self.path) + ".", suffix=".new", dir=folder)
        try:
            state = {"seq": 1, "roots": [_new_root(1, clock.now())]}
            _write_both(fd, state)
        finally:
            os.close(fd)
        try:  # link, not rename: the name appears only once the file is whole, and never twice
            os.link(tmp, self.path)
        except FileExistsError:
            pass  # another process made it first; theirs counts
        finally:
            _shred_and_unlink(tmp)
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _new_root(epoch: int, now: _dt.datetime) -> dict:
    return {"e": epoch, "k": base64.urlsafe_b64encode(aead.new_key()).decode("ascii"),
            "created": now.isoformat(), "retired": None, "erase_at": None, "shredded": []}


def _shred_and_unlink(tmp: str) -> None:
    # When another process won the race our file never got the name: overwrite our
    # unused root before letting its blocks go. When ours won, tmp is the same inode.
    try:
        if os.stat(tmp).st_nlink == 1:
            fd = os.open(tmp, os.O_WRONLY)
            try:
                os.write(fd, b"\0" * 2 * SLOT_BYTES)
                os.fsync(fd)
            finally:
                os.close(fd)
        os.unlink(tmp)
    except FileNotFoundError:
        pass


def _slot(data: bytes) -> tuple[int, dict] | None:
    if len(data) < _HEADER.size:
        return None
    magic, seq, length, digest = _HEADER.unpack_from(data)
    body = data[_HEADER.size:_HEADER.size + length]
    if magic != MAGIC or len(body) != length or hashlib.sha256(body).digest() != digest:
        return None
    return seq, json.loads(body)


def _read(path: str) -> dict:
    fd = os.open(path, os.O_RDONLY)
    try:
        return _read_fd(fd)
    finally:
        os.close(fd)


def _read_fd(fd: int) -> dict:
    data = os.pread(fd, 2 * SLOT_BYTES, 0)
    slots = [s for s in (_slot(data[:SLOT_BYTES]), _slot(data[SLOT_BYTES:])) if s]
    if not slots:
        raise RuntimeError("the key-root file is unreadable (both slots damaged); restore it from "
                           "the secret store")
    seq, state = max(slots, key=lambda s: s[0])
    state["seq"] = seq
    return state


def _encode(state: dict) -> bytes:
    while True:
        body = json.dumps({"roots": state["roots"]}, separators=(",", ":")).encode("ascii")
        if _HEADER.size + len(body) <= SLOT_BYTES:
            break
        # Too many retired roots to hold: the oldest retired one goes early (erasure wins
        # over restorability of old key-store backups).
        retired = [r for r in state["roots"] if r["retired"] is not None]
        if not retired:
            raise RuntimeError("key-root file slot too small")
        state["roots"].remove(min(retired, key=lambda r: r["e"]))
    head = _HEADER.pack(MAGIC, state["seq"], len(body), hashlib.sha256(body).digest())
    return (head + body).ljust(SLOT_BYTES, b"\0")


def _write_both(fd: int, state: dict) -> None:
    """The new state over the older slot, fsync, then over the other slot, fsync."""
    blob = _encode(state)
    data = os.pread(fd, 2 * SLOT_BYTES, 0)
    seqs = [(_slot(data[:SLOT_BYTES]) or (-1,))[0], (_slot(data[SLOT_BYTES:]) or (-1,))[0]]
    first = 0 if seqs[0] <= seqs[1] else 1
    for index in (first, 1 - first):
        os.pwrite(fd, blob, index * SLOT_BYTES)
        os.fsync(fd)


def _t(value: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(value)


def _b64d(value: str) -> bytes:
    return base64.urlsafe_b64decode(value.encode("ascii"))
