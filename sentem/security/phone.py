"""Korean phone numbers, one set of rules for every screen and store.

``normalise`` turns what people type (hyphens, spaces, dots, brackets, full-width
digits, ``+82``) into the usual hyphenated form, or ``None`` when it is not a Korean
number; ``format`` groups bare digits; ``mask`` hides the middle group; ``index_form``
is the digit string a blind index is computed over, so ``+82 10 1234 5678`` and
``010-1234-5678`` find the same person.
"""
from __future__ import annotations

import re
import unicodedata

# (digits pattern, length of the first group); the last group is always four digits.
_FORMS = (
    (re.compile(r"01[016789]\d{7,8}"), 3),  # mobile: 010-1234-5678, 011-123-4567
    (re.compile(r"02\d{7,8}"), 2),  # Seoul: 02-123-4567, 02-1234-5678
    (re.compile(r"0(?:3[1-3]|4[1-4]|5[1-5]|6[1-4])\d{7,8}"), 3),  # other areas: 031-123-4567
    (re.compile(r"0[78]0\d{7,8}"), 3),  # internet phones and free calls: 070-1234-5678, 080-123-4567
    (re.compile(r"050\d{8,9}"), 4),  # personal numbers: 0504-1234-5678, 0505-123-4567
    (re.compile(r"1[5689]\d{6}"), 4),  # nationwide numbers: 1588-1234
)
MOBILE = _FORMS[0][0]
# Anything but digits, the usual separators and a leading "+" means it is not a phone number.
_STRAY = re.compile(r"[^\d\s\-.()+]")
_SEPARATORS = re.compile(r"[\s\-.()]")


def digits(value) -> str | None:
    """The domestic digits of ``value`` (``+82 10…`` → ``010…``), or None for letters, a
    misplaced ``+`` or a foreign country code."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()
    if not text or _STRAY.search(text) or "+" in text[1:]:
        return None
    bare = _SEPARATORS.sub("", text)
    if bare.startswith("+"):
        if not bare.startswith("+82"):
            return None
        bare = bare[1:]
    if bare.startswith("82"):
        # A domestic number never starts with 8: this is the country code, with or without the trunk 0.
        bare = "0" + bare[2:].lstrip("0")
    return bare if bare.isdigit() else None


def _head(number: str) -> int | None:
    for pattern, head in _FORMS:
        if pattern.fullmatch(number):
            return head
    return None


def format(number: str) -> str:  # noqa: A001 - the module's verb, read as phone.format
    """Group bare digits: 01012345678 → 010-1234-5678, 0212345678 → 02-1234-5678, 15881234 → 1588-1234."""
    head = _head(number)
    if head is None:
        head = 2 if number.startswith("02") else 3
    if len(number) <= head + 4:
        return f"{number[:-4]}-{number[-4:]}"
    return f"{number[:head]}-{number[head:-4]}-{number[-4:]}"


def normalise(value, *, mobile: bool = False) -> str | None:
    """``value`` in the usual hyphenated form, or None when it is not a Korean phone number
    (not a mobile number, when ``mobile``)."""
    number = digits(value)
    if number is None or _head(number) is None:
        return None
    if mobile and not MOBILE.fullmatch(number):
        return None
    return format(number)


def mask(value) -> str:
    """010-1234-5678 → 010-****-5678: the carrier or area prefix and the last four digits stay."""
    if not value:
        return ""
    number = digits(value) or re.sub(r"\D", "", str(value))
    if len(number) < 7:
        return "*" * len(number)
    shown = format(number)
    if shown.count("-") == 1:  # 1588-1234: nothing personal before the last four digits
        return "****-" + number[-4:]
    first, middle, last = shown.split("-")
    return f"{first}-{'*' * len(middle)}-{last}"


def index_form(value) -> str:
    """The digits a blind index is computed over; the same for every way of typing one number."""
    number = digits(value)
    if number is None:
        number = re.sub(r"\D", "", unicodedata.normalize("NFKC", "" if value is None else str(value)))
    return number
