"""AES-256-GCM tokens that name the key they were sealed with.

A token is ``s1$<key id>$<base64url(nonce || ciphertext+tag)>``. The key id and a
context string (which field the value belongs to) are authenticated as associated
data, so a token moved to another field or relabelled with another key fails to
open instead of decrypting to something misleading.
"""
from __future__ import annotations

import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "s1"
NONCE_BYTES = 12
# base64url by hand: the stdlib helpers cost more than the cipher on a short field.
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")


class DecryptionError(ValueError):
    """A token was tampered with, sealed for another field, or its key is gone."""


class KeyDestroyed(DecryptionError):
    """The key that sealed this token has been destroyed (crypto-shredded)."""


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return AESGCM.generate_key(bit_length=256)


def cipher(key: bytes) -> AESGCM:
    """The AES-GCM object for ``key``: building it costs more than sealing a field, so
    callers that seal or open many values keep it (``datakeys`` does, per app context)."""
    return AESGCM(key)


def seal(key: bytes, kid: str, plaintext: bytes | str, context: str = "") -> str:
    """Encrypt ``plaintext`` under ``key`` and return a token naming ``kid``."""
    return seal_with(AESGCM(key), kid, plaintext, context)


def seal_with(aes: AESGCM, kid: str, plaintext: bytes | str, context: str = "") -> str:
    """``seal`` with a prepared ``cipher(key)``."""
    if "$" in kid:
        raise ValueError("key ids cannot contain '$'")
    data = plaintext.encode("utf-8") if isinstance(plaintext, str) else plaintext
    nonce = os.urandom(NONCE_BYTES)
    body = aes.encrypt(nonce, data, f"{kid}|{context}".encode("utf-8"))
    encoded = binascii.b2a_base64(nonce + body, newline=False).translate(_TO_URLSAFE)
    return f"{PREFIX}${kid}${encoded.decode('ascii')}"


def key_id(token: str) -> str:
    """The key id a token names; raises DecryptionError on a malformed token."""
    return split(token)[0]


def open_bytes(key: bytes, token: str, context: str = "") -> bytes:
    """Decrypt a token to bytes; raises DecryptionError if anything is off."""
    return open_with(AESGCM(key), token, context)


def open_with(aes: AESGCM, token: str, context: str = "") -> bytes:
    """``open_bytes`` with a prepared ``cipher(key)``."""
    kid, body = split(token)
    return open_parts(aes, kid, body, context)


def open_parts(aes: AESGCM, kid: str, body: str, context: str = "") -> bytes:
    """Open a token already ``split`` into its key id and body."""
    try:
        raw = binascii.a2b_base64(body.encode("ascii").translate(_FROM_URLSAFE))
    except (ValueError, UnicodeEncodeError) as exc:
        raise DecryptionError("malformed ciphertext") from exc
    if len(raw) < NONCE_BYTES + 16:
        raise DecryptionError("truncated ciphertext")
    try:
        return aes.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], f"{kid}|{context}".encode("utf-8"))
    except InvalidTag as exc:
        raise DecryptionError("ciphertext failed authentication") from exc


def split(token: str) -> tuple[str, str]:
    """(key id, body) of a token; raises DecryptionError on a malformed one."""
    parts = token.split("$")
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1]:
        raise DecryptionError("not a Sentem ciphertext token")
    return parts[1], parts[2]


def open_text(key: bytes, token: str, context: str = "") -> str:
    """Decrypt a token holding UTF-8 text."""
    return open_bytes(key, token, context).decode("utf-8")


def open_all(key: bytes, tokens: list[tuple[str | None, str]]) -> list[bytes | None]:
    """Decrypt several ``(token, context)`` sealed under the same ``key`` (None stays None),
    with one cipher object: bulk readers (the statistics job) open millions."""
    aes = AESGCM(key)
    return [None if token is None else open_with(aes, token, context) for token, context in tokens]


def is_token(value) -> bool:
    """Whether ``value`` looks like a sealed token (used to refuse plaintext writes)."""
    return isinstance(value, str) and value.startswith(PREFIX + "$") and value.count("$") == 2
