"""AES-256-GCM tokens that name the key they were sealed with.

A token is ``s2$<key id>$<hex(nonce || ciphertext+tag)>``. Tokens written before 2026-12-02
are ``s1$<key id>$<base64url(…)>``; they still open, and are never written. A hex body is
half as long again as base64 (136 against 92 characters for a 40-byte value) but costs less
than half as much to write and read: 0.34 against 0.88 µs of a ~40-byte field's 3.4 µs
seal-and-open (``bench foundation``, 2026-12-02). The key id and a
context string (which field the value belongs to) are authenticated as associated
data, so a token moved to another field or relabelled with another key fails to
open instead of decrypting to something misleading.

``Sealer`` is one key ready for use: its AES-GCM object, its token prefix and the
associated data of each field it has served are built once, since on a ~40-byte
field each of them costs about as much as the cipher itself (``bench foundation``).
Nonces are 96 random bits from the OS, drawn 64 at a time and each handed out once
(``_NONCES``: across threads and across a fork).
"""
from __future__ import annotations

import os
from binascii import a2b_base64 as _a2b
from collections import deque

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "s2"
LEGACY_PREFIX = "s1"  # the first format (base64url body): opened, never written
NONCE_BYTES = 12
_AAD_MEMO = 256  # contexts remembered per key (field items are a few dozen; ``datakey:<id>`` are not)
_urandom = os.urandom
# Nonces: random 96-bit values from the OS, drawn _NONCE_BATCH at a time (one getrandom call,
# not one per value: the call costs a fifth of the cipher on a short field). Each drawn nonce
# is handed out once: ``popleft`` is atomic under the GIL, a refill only adds fresh bytes, and
# a forked child starts with an empty pool (``_refill`` registers that before the first fill).
# No counter, no state that outlives the process: the same nonces as ``os.urandom(12)`` each.
_NONCE_BATCH = 64
_NONCES: deque[bytes] = deque()
_next_nonce = _NONCES.popleft
_fork_hook = []
_unhex = bytes.fromhex
_FROM_URLSAFE = str.maketrans("-_", "+/")  # a legacy body to the alphabet binascii reads


def _refill() -> bytes:
    """A fresh nonce, with ``_NONCE_BATCH - 1`` more put in the pool (see ``_NONCES``)."""
    if not _fork_hook:
        # Before the pool ever holds a nonce: a child must never reuse its parent's.
        os.register_at_fork(after_in_child=_NONCES.clear)
        _fork_hook.append(True)
    buf = _urandom(NONCE_BYTES * _NONCE_BATCH)
    _NONCES.extend([buf[i:i + NONCE_BYTES] for i in range(NONCE_BYTES, len(buf), NONCE_BYTES)])
    return buf[:NONCE_BYTES]


def new_nonce() -> bytes:
    """A fresh random nonce (from the pool; see ``_NONCES``)."""
    try:
        return _next_nonce()
    except IndexError:
        return _refill()


class DecryptionError(ValueError):
    """A token was tampered with, sealed for another field, or its key is gone."""


class KeyDestroyed(DecryptionError):
    """The key that sealed this token has been destroyed (crypto-shredded)."""


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return AESGCM.generate_key(bit_length=256)


class Sealer:
    """One key and its key id, ready to seal and open tokens (see the module docstring).

    Callers that seal or open many values keep one per key (``datakeys`` does, per app
    context; the key ring per master key).
    """

    __slots__ = ("kid", "key", "head", "_aes", "_prefix", "_aad")

    def __init__(self, key: bytes, kid: str):
        if "$" in kid:
            raise ValueError("key ids cannot contain '$'")
        self.kid, self.key = kid, key
        self._aes = AESGCM(key)
        self.head = f"{PREFIX}${kid}"  # what precedes the body's ``$`` in the tokens it writes
        self._prefix = self.head + "$"
        self._aad: dict[str, bytes] = {}

    def aad(self, context: str) -> bytes:
        """The associated data binding this key id and ``context`` (memoised)."""
        aad = self._aad.get(context)
        if aad is None:
            if len(self._aad) >= _AAD_MEMO:
                self._aad.clear()
            aad = self._aad[context] = f"{self.kid}|{context}".encode("utf-8")
        return aad

    def seal(self, plaintext: bytes | str, context: str = "") -> str:
        """Encrypt ``plaintext`` into a token naming this key."""
        # One expression, no temporaries: on a short field each step costs as much as a
        # tenth of the cipher (``bench foundation`` measures the sum against bare AES-GCM).
        try:
            nonce = _next_nonce()
        except IndexError:
            nonce = _refill()
        return self._prefix + (nonce + self._aes.encrypt(
            nonce, plaintext.encode() if isinstance(plaintext, str) else plaintext,
            self._aad.get(context) or self.aad(context))).hex()

    def open_body(self, body: str, context: str = "", aad: bytes | None = None) -> bytes:
        """Open the body (third part) of an ``s2`` token that names this key (``aad``: already
        built for ``context``, by bulk readers whose contexts are all different). The body of
        an ``s1`` token goes through ``legacy_body`` first (``split`` does that)."""
        try:
            raw = _unhex(body)
            # A cut body leaves a nonce the cipher refuses (ValueError) or no tag (InvalidTag).
            return self._aes.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                                     aad or self._aad.get(context) or self.aad(context))
        except InvalidTag as exc:
            raise DecryptionError("ciphertext failed authentication") from exc
        except ValueError as exc:  # not hex (or an odd length)
            raise DecryptionError("malformed or truncated ciphertext") from exc

    def open(self, token: str, context: str = "") -> bytes:
        """Open a whole token; it must name this key."""
        kid, body = split(token)
        if kid != self.kid:
            raise DecryptionError(f"token names {kid}, not {self.kid}")
        return self.open_body(body, context)


def seal(key: bytes, kid: str, plaintext: bytes | str, context: str = "") -> str:
    """Encrypt ``plaintext`` under ``key`` and return a token naming ``kid`` (one-off:
    callers sealing many values keep a ``Sealer``)."""
    return Sealer(key, kid).seal(plaintext, context)


def key_id(token: str) -> str:
    """The key id a token names; raises DecryptionError on a malformed token."""
    return split(token)[0]


def open_bytes(key: bytes, token: str, context: str = "") -> bytes:
    """Decrypt a token to bytes; raises DecryptionError if anything is off."""
    kid, body = split(token)
    return Sealer(key, kid).open_body(body, context)


def split(token: str) -> tuple[str, str]:
    """(key id, body) of a token, the body as ``open_body`` takes it (a legacy one converted);
    raises DecryptionError on a malformed one."""
    parts = token.split("$")
    if len(parts) != 3 or not parts[1] or parts[0] not in (PREFIX, LEGACY_PREFIX):
        raise DecryptionError("not a Sentem ciphertext token")
    return parts[1], parts[2] if parts[0] == PREFIX else legacy_body(parts[2])


def legacy_body(body: str) -> str:
    """The body of an ``s1`` token (base64url) as ``open_body`` takes it (hex)."""
    try:
        return _a2b(body.translate(_FROM_URLSAFE)).hex()
    except ValueError as exc:  # binascii.Error, or text that is not ASCII
        raise DecryptionError("malformed or truncated ciphertext") from exc


def open_text(key: bytes, token: str, context: str = "") -> str:
    """Decrypt a token holding UTF-8 text."""
    return open_bytes(key, token, context).decode("utf-8")


def open_all(key: bytes, tokens: list[tuple[str | None, str]]) -> list[bytes | None]:
    """Decrypt several ``(token, context)`` sealed under the same ``key`` (None stays None),
    with one cipher object: bulk readers (the statistics job) open millions."""
    sealers: dict[str, Sealer] = {}
    out: list[bytes | None] = []
    for token, context in tokens:
        if token is None:
            out.append(None)
            continue
        kid, body = split(token)
        sealer = sealers.get(kid)
        if sealer is None:
            sealer = sealers[kid] = Sealer(key, kid)
        # Not through the sealer's memo: bulk contexts (``datakey:<id>``) are all different.
        out.append(sealer.open_body(body, aad=f"{kid}|{context}".encode("utf-8")))
    return out


def is_token(value) -> bool:
    """Whether ``value`` looks like a sealed token (used to refuse plaintext writes)."""
    return (isinstance(value, str) and value.startswith((PREFIX + "$", LEGACY_PREFIX + "$"))
            and value.count("$") == 2)
