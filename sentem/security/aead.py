"""AES-256-GCM tokens that name the key they were sealed with.

A token is ``s1$<key id>$<base64url(nonce || ciphertext+tag)>``. The key id and a
context string (which field the value belongs to) are authenticated as associated
data, so a token moved to another field or relabelled with another key fails to
open instead of decrypting to something misleading.
"""
from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "s1"
NONCE_BYTES = 12


class DecryptionError(ValueError):
    """A token was tampered with, sealed for another field, or its key is gone."""


class KeyDestroyed(DecryptionError):
    """The key that sealed this token has been destroyed (crypto-shredded)."""


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return AESGCM.generate_key(bit_length=256)


def seal(key: bytes, kid: str, plaintext: bytes | str, context: str = "") -> str:
    """Encrypt ``plaintext`` under ``key`` and return a token naming ``kid``."""
    if "$" in kid:
        raise ValueError("key ids cannot contain '$'")
    data = plaintext.encode("utf-8") if isinstance(plaintext, str) else plaintext
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(key).encrypt(nonce, data, _aad(kid, context))
    return f"{PREFIX}${kid}${base64.urlsafe_b64encode(nonce + body).decode('ascii')}"


def key_id(token: str) -> str:
    """The key id a token names; raises DecryptionError on a malformed token."""
    parts = token.split("$")
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1]:
        raise DecryptionError("not a Sentem ciphertext token")
    return parts[1]


def open_bytes(key: bytes, token: str, context: str = "") -> bytes:
    """Decrypt a token to bytes; raises DecryptionError if anything is off."""
    kid = key_id(token)
    try:
        raw = base64.urlsafe_b64decode(token.split("$")[2].encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise DecryptionError("malformed ciphertext") from exc
    if len(raw) < NONCE_BYTES + 16:
        raise DecryptionError("truncated ciphertext")
    try:
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(kid, context))
    except InvalidTag as exc:
        raise DecryptionError("ciphertext failed authentication") from exc


def open_text(key: bytes, token: str, context: str = "") -> str:
    """Decrypt a token holding UTF-8 text."""
    return open_bytes(key, token, context).decode("utf-8")


def open_all(key: bytes, tokens: list[tuple[str | None, str]]) -> list[bytes | None]:
    """Decrypt several ``(token, context)`` sealed under the same ``key`` (None stays None).

    One cipher object for all of them: bulk readers (the statistics job) open millions.
    """
    cipher = AESGCM(key)
    out: list[bytes | None] = []
    for token, context in tokens:
        if token is None:
            out.append(None)
            continue
        kid = key_id(token)
        try:
            raw = base64.urlsafe_b64decode(token.split("$")[2].encode("ascii"))
        except (ValueError, UnicodeEncodeError) as exc:
            raise DecryptionError("malformed ciphertext") from exc
        if len(raw) < NONCE_BYTES + 16:
            raise DecryptionError("truncated ciphertext")
        try:
            out.append(cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(kid, context)))
        except InvalidTag as exc:
            raise DecryptionError("ciphertext failed authentication") from exc
    return out


def is_token(value) -> bool:
    """Whether ``value`` looks like a sealed token (used to refuse plaintext writes)."""
    return isinstance(value, str) and value.startswith(PREFIX + "$") and value.count("$") == 2


def _aad(kid: str, context: str) -> bytes:
    return f"{kid}|{context}".encode("utf-8")
