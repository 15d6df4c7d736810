"""How money and time read on every page: one filter each, registered by the web edge.

- ``won``: 18000 → ``18,000원`` (English: ``₩18,000``); the only money format.
- ``kst``: a stored UTC instant in Korean time, ``YYYY-MM-DD HH:MM`` unless a format is given;
  ``zone=True`` adds `` KST`` where a reader (staff comparing logs) might doubt the zone.
- ``kst_day``: the Korean calendar day of an instant, ``YYYY-MM-DD``.
"""
from __future__ import annotations

import datetime as _dt

from . import clock
from .i18n import current_lang


def won(amount) -> str:
    """12000 → '12,000원' (English: '₩12,000'); None → ''."""
    if amount is None or amount == "":
        return ""
    return f"₩{int(amount):,}" if current_lang() == "en" else f"{int(amount):,}원"


def kst(value, fmt: str = "%Y-%m-%d %H:%M", zone: bool = False) -> str:
    """A stored UTC datetime as Korean time (a plain date as ISO; empty for None)."""
    if value is None or value == "":
        return ""
    if isinstance(value, _dt.datetime):
        text = clock.to_kst(value).strftime(fmt)
        return f"{text} KST" if zone else text
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def kst_day(value) -> str:
    """An instant as its Korean calendar day, ``YYYY-MM-DD``."""
    local = clock.to_kst(value) if isinstance(value, _dt.datetime) else None
    return local.date().isoformat() if local else (value.isoformat() if isinstance(value, _dt.date) else "")


def install(app, label) -> None:
    """Register the filters (``label`` is the label table's lookup) on ``app``'s Jinja environment."""
    env = app.jinja_env
    env.filters.update(won=won, kst=kst, kst_day=kst_day, label=label)
    env.globals.update(kst_time=kst)
