"""What an attacker recovers from stolen bytes with every secret the shop holds now.

Given files or dumps (copies of the key store among them) and the shop's current
secrets — the epoch roots in the root file and the master keys — it harvests every
sealed token and tries to unwrap a data key: bucket keys from ``r<epoch>`` tokens
under the roots that still exist, then the data key from ``b<bucket>.<gen>`` tokens
under any bucket key found (or an ``m<n>`` token under a master key). Key contexts
are public (the code is), so nothing is withheld from the attacker but the erased roots.
"""
from __future__ import annotations

import re

from sentem.security import aead
from sentem.security.keystore import BUCKET_SIZE

# Both token formats: ``s2`` (hex body) and the older ``s1`` (base64url body).
TOKEN = re.compile(rb"(s[12])\$([A-Za-z0-9.]+)\$([A-Za-z0-9_=-]{40,})")
# A wrapped 32-byte key (nonce, key, tag: 60 bytes) is 120 characters of hex, 80 of base64;
# in a database page the next column's bytes may follow without a separator, so that
# length is tried too.
WRAPPED_KEY_CHARS = {"s2": 120, "s1": 80}


def harvest(paths=(), blobs=()) -> set[str]:
    """Every distinct sealed token in these files and byte strings."""
    found: set[str] = set()
    for path in paths:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except (FileNotFoundError, PermissionError):
            continue
        found.update(_tokens(data))
    for data in blobs:
        found.update(_tokens(data))
    return found


def _tokens(data: bytes):
    for m in TOKEN.finditer(data):
        prefix, kid, body = (g.decode("ascii") for g in m.groups())
        yield f"{prefix}${kid}${body}"
        if len(body) > WRAPPED_KEY_CHARS[prefix]:
            yield f"{prefix}${kid}${body[:WRAPPED_KEY_CHARS[prefix]]}"


def recover(tokens: set[str], data_key_id: int, roots: dict[int, bytes], masters: dict[int, bytes]) -> bytes | None:
    """The raw data key ``data_key_id`` if any copy among ``tokens`` opens, else None."""
    bucket = data_key_id // BUCKET_SIZE
    by_kid: dict[str, list[str]] = {}
    for token in tokens:
        by_kid.setdefault(aead.key_id(token), []).append(token)
    gens = {int(kid.split(".")[1]) for kid in by_kid if kid.startswith(f"b{bucket}.")}
    bucket_keys = {}
    for kid, group in by_kid.items():
        if kid.startswith("r") and kid[1:].isdigit() and int(kid[1:]) in roots:
            for token in group:
                for gen in gens:
                    raw = _try(roots[int(kid[1:])], token, f"bucket:{bucket}.{gen}")
                    if raw:
                        bucket_keys[gen] = raw
    for gen, braw in bucket_keys.items():
        for token in by_kid.get(f"b{bucket}.{gen}", []):
            raw = _try(braw, token, f"datakey:{data_key_id}")
            if raw:
                return raw
    for kid, group in by_kid.items():  # data keys wrapped under a master key (before buckets)
        if kid.startswith("m") and kid[1:].isdigit() and int(kid[1:]) in masters:
            for token in group:
                raw = _try(masters[int(kid[1:])], token, f"datakey:{data_key_id}")
                if raw:
                    return raw
    return None


def _try(key: bytes, token: str, context: str) -> bytes | None:
    try:
        return aead.open_bytes(key, token, context)
    except aead.DecryptionError:
        return None

