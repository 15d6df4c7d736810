"""Versioned master keys.

Master keys come from ``SENTEM_MASTER_KEY`` (``<base64>`` or ``1:<b64>,2:<b64>``;
the highest version is current) or from ``master-keys.json`` in the instance folder,
created once with mode 0600. They wrap the per-member data keys and seal the few
values that belong to no member. The blind-index key is derived from the oldest
master key, so rotating master keys never changes an index.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os

from . import aead

FILE_NAME = "master-keys.json"


class KeyRing:
    """The master keys of one installation."""

    def __init__(self, keys: dict[int, bytes], source: str, path: str | None = None):
        if not keys:
            raise ValueError("a key ring needs at least one key")
        self.keys = dict(keys)
        self.source = source  # "env" or "file"
        self.path = path
        self._mtime = _mtime(path)
        self._sealers: dict[int, aead.Sealer] = {}  # a version's key never changes

    @property
    def current_version(self) -> int:
        return max(self.keys)

    @property
    def current_kid(self) -> str:
        return f"m{self.current_version}"

    def key(self, version: int) -> bytes:
        """The master key of ``version``; re-reads the file once if another process rotated."""
        if version not in self.keys and self.path and _mtime(self.path) != self._mtime:
            self.keys = _read_file(self.path)
            self._mtime = _mtime(self.path)
        try:
            return self.keys[version]
        except KeyError:
            raise aead.DecryptionError(f"master key m{version} is not in the key ring") from None

    def index_key(self) -> bytes:
        """Key for blind indexes: stable across rotations."""
        return hmac.new(self.keys[min(self.keys)], b"sentem blind index v1", hashlib.sha256).digest()

    def seal(self, plaintext: bytes | str, context: str) -> str:
        """Seal with the current master key."""
        return self.sealer(self.current_version).seal(plaintext, context)

    def sealer(self, version: int) -> aead.Sealer:
        """The ``aead.Sealer`` of master key ``version`` (kept: building one costs more than a seal)."""
        found = self._sealers.get(version)
        if found is None:
            found = self._sealers[version] = aead.Sealer(self.key(version), f"m{version}")
        return found

    def open_bytes(self, token: str, context: str) -> bytes:
        """Open a token sealed by any master key in the ring."""
        kid, body = aead.split(token)
        if not kid.startswith("m") or not kid[1:].isdigit():
            raise aead.DecryptionError(f"{kid} is not a master key id")
        return self.sealer(int(kid[1:])).open_body(body, context)

    def rotate(self) -> int:
        """Add a new current master key to the instance file; returns its version."""
        if self.source != "file":
            raise RuntimeError("master keys come from SENTEM_MASTER_KEY: add the new key there "
                               "(e.g. '1:<old>,2:<new>') and restart")
        self.keys = _read_file(self.path)
        version = self.current_version + 1
        self.keys[version] = aead.new_key()
        _write_file(self.path, self.keys)
        self._mtime = _mtime(self.path)
        return version


def load(instance_path: str, env_value: str | None, create: bool = True) -> KeyRing:
    """The key ring from the environment, else from (or newly into) the instance folder."""
    if env_value:
        return KeyRing(parse_env(env_value), "env")
    path = os.path.join(instance_path, FILE_NAME)
    if not os.path.exists(path):
        if not create:
            raise FileNotFoundError(path)
        os.makedirs(instance_path, mode=0o700, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first; read theirs
        else:
            with os.fdopen(fd, "w") as fh:
                json.dump(_encode({1: aead.new_key()}), fh)
    return KeyRing(_read_file(path), "file", path)


def parse_env(value: str) -> dict[int, bytes]:
    """Parse ``SENTEM_MASTER_KEY``: one base64 key, or ``version:key`` pairs."""
    keys: dict[int, bytes] = {}
    for i, part in enumerate(p.strip() for p in value.split(",") if p.strip()):
        version, _, b64 = part.rpartition(":") if ":" in part else (str(i + 1), "", part)
        key = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
        if len(key) != 32:
            raise ValueError("SENTEM_MASTER_KEY keys must be 32 bytes, base64-encoded")
        keys[int(version)] = key
    return keys


def encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii")


def _encode(keys: dict[int, bytes]) -> dict:
    return {"keys": {str(v): encode_key(k) for v, k in sorted(keys.items())}}


def _read_file(path: str) -> dict[int, bytes]:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return {int(v): base64.urlsafe_b64decode(k) for v, k in data["keys"].items()}


def _write_file(path: str, keys: dict[int, bytes]) -> None:
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(_encode(keys), fh)
    os.replace(tmp, path)


def _mtime(path: str | None) -> float | None:
    try:
        return os.stat(path).st_mtime_ns if path else None
    except FileNotFoundError:
        return None
