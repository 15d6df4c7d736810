"""What a reader sees of a rendered page, and the raw codes and unformatted amounts in it."""
from __future__ import annotations

import html as _html
import re

_WORD = re.compile(r"(?<![\w@.\-/:#])([a-z][a-z_]*[a-z])(?![\w@.\-/:])")


def visible(page: str) -> str:
    """The text of ``page`` without tags, scripts, styles or attribute values."""
    page = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", page)
    return _html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def raw_codes(text: str, codes: set[str]) -> set[str]:
    """Codes of the label table standing as words of ``text`` (or, with a '/', anywhere in it)."""
    found = {w for w in _WORD.findall(text) if w in codes}
    return found | {c for c in codes if "/" in c and c in text}


def bare_amounts(text: str, amounts: set[int]) -> set[str]:
    """Amounts written without thousands separators or without 원 (``15000``, ``15,000`` alone)."""
    bad = set(re.findall(r"\d{4,}\s*원", text))
    for amount in amounts:
        if amount >= 1000 and re.search(rf"(?<![\d,]){amount}(?![\d,])", text):
            bad.add(str(amount))
        plain = f"{amount:,}"
        if re.search(rf"(?<![\d,₩]){re.escape(plain)}(?![\d,]|\s*원)", text):
            bad.add(plain)
    return bad
