"""Numbers and dates typed by a visitor (URL parts, query strings, form fields), bounded to
what the databases and the calendar can hold.

Python's ``int()`` and ``date.fromisoformat`` accept values no column can store (2**64,
23-digit ids) and days at the calendar's edge (0001-01-01, 9999-12-31) whose KST
conversion overflows; each reached a query or date arithmetic and answered 500. Every
route reads request numbers and dates through this module instead (issue 14, part 4).
"""
from __future__ import annotations

import datetime as _dt
import re

from . import clock

# PostgreSQL ``integer``, the type of every id and count column (SQLite stops at 2**63 - 1).
INT_MAX = 2**31 - 1
INT_MIN = -INT_MAX
DATE_MIN, DATE_MAX = clock.DATE_MIN, clock.DATE_MAX

_DIGITS = re.compile(r"[+-]?[0-9]{1,12}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_int(raw, *, lo: int = INT_MIN, hi: int = INT_MAX) -> int | None:
    """``raw`` as an int when it is plain decimal digits within ``lo``…``hi``, else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw if raw is not None else "").strip()
        if not _DIGITS.fullmatch(text):
            return None
        value = int(text)
    return value if lo <= value <= hi else None


def int_arg(args, name: str, default: int, *, lo: int = 1, hi: int = INT_MAX) -> int:
    """The integer query/form value ``name`` of ``args``, or ``default`` when absent or out of range."""
    value = parse_int(args.get(name), lo=lo, hi=hi)
    return default if value is None else value


def id_arg(args, name: str) -> int | None:
    """An id from a query or form (a row that can exist), or None."""
    return parse_int(args.get(name), lo=1)


def parse_date(raw, *, lo: _dt.date = DATE_MIN, hi: _dt.date = DATE_MAX) -> _dt.date | None:
    """``raw`` (YYYY-MM-DD; ``.`` and ``/`` accepted as separators) as a date within ``lo``…``hi``, else None."""
    text = str(raw if raw is not None else "").strip().replace(".", "-").replace("/", "-")
    if not _DAY.fullmatch(text):
        return None
    try:
        day = _dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if lo <= day <= hi else None
