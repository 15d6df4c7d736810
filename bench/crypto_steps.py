"""Where a sealed field's time goes: the field's path built up step by step from bare AES-GCM.

Each step is a whole encrypt+decrypt of one ~40-byte value doing everything the step before
did plus one piece of the real path (``aead.Sealer``, ``datakeys``), so the difference
between two rows is what that piece costs. A row in parentheses is a side comparison (the
older ``s1`` body), not a step. Timed in alternating rounds (the machine is
shared: every step sees the same load), best round of each.
"""
from __future__ import annotations

import os
import time
from binascii import a2b_base64, b2a_base64


def steps(aes, sealer, datakeys, key_id: int, value: str) -> list[tuple[str, object]]:
    """(label, function) for each step, the bare cipher first and the field's own path last."""
    from sentem.security import aead

    data, aad, urandom, new_nonce = value.encode(), sealer.aad("name"), os.urandom, aead.new_nonce
    prefix = sealer._prefix
    to_url, from_url = bytes.maketrans(b"+/", b"-_"), bytes.maketrans(b"-_", b"+/")

    def bare():
        n = urandom(12)
        aes.decrypt(n, aes.encrypt(n, data, None), None)

    def pooled():
        n = new_nonce()
        aes.decrypt(n, aes.encrypt(n, data, None), None)

    def with_aad():
        n = new_nonce()
        aes.decrypt(n, aes.encrypt(n, data, aad), aad)

    def text():
        n = new_nonce()
        aes.decrypt(n, aes.encrypt(n, value.encode(), aad), aad)

    def one_buffer():
        n = new_nonce()
        raw = n + aes.encrypt(n, value.encode(), aad)
        aes.decrypt(raw[:12], raw[12:], aad)

    def base64():
        # What the body cost in the ``s1`` format (base64url), for comparison.
        n = new_nonce()
        body = b2a_base64(n + aes.encrypt(n, value.encode(), aad), newline=False).translate(to_url).decode()
        raw = a2b_base64(body.encode("ascii").translate(from_url))
        aes.decrypt(raw[:12], raw[12:], aad)

    def hexbody():
        n = new_nonce()
        raw = bytes.fromhex((n + aes.encrypt(n, value.encode(), aad)).hex())
        aes.decrypt(raw[:12], raw[12:], aad)

    def token():
        n = new_nonce()
        tok = prefix + (n + aes.encrypt(n, value.encode(), aad)).hex()
        raw = bytes.fromhex(tok.rpartition("$")[2])
        aes.decrypt(raw[:12], raw[12:], aad)

    def sealer_calls():
        sealer.open_body(sealer.seal(value, "name").rpartition("$")[2], "name")

    def field():
        datakeys.open_token(datakeys.seal(key_id, value, "name"), "name")

    return [("bare AES-256-GCM (os.urandom nonce each)", bare), ("nonce from the pool", pooled),
            ("+ associated data (key id|field)", with_aad), ("+ text to UTF-8", text),
            ("+ nonce and ciphertext in one buffer", one_buffer), ("  (s1: + base64url body)", base64),
            ("+ hex body (s2)", hexbody), ("+ token prefix, split on open", token),
            ("aead.Sealer seal/open_body calls", sealer_calls),
            ("datakeys seal/open_token (the field)", field)]


def print_steps(named, n: int = 10000, rounds: int = 15) -> dict:
    """Time each step in alternating rounds; print µs per value and the step's own cost."""
    best = {label: float("inf") for label, _fn in named}
    for _ in range(rounds):
        for label, fn in named:
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            best[label] = min(best[label], (time.perf_counter() - t0) / n)
    previous = None
    for label, _fn in named:
        us = best[label] * 1e6
        delta = "" if previous is None else f"{us - previous:+6.2f}"
        print(f"    {label:42s} {us:6.2f} µs {delta}")
        if not label.startswith("  ("):  # a side comparison: the next step adds to the row before it
            previous = us
    return {label: v * 1e6 for label, v in best.items()}
