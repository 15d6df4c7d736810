"""Template helpers of the staff area: times shown in KST, the current instant."""
from __future__ import annotations

from .. import clock
from . import bp


def kst(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC datetime as Korean time (empty for None)."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        return clock.to_kst(value).strftime(fmt)
    return value.isoformat()


def reject_key(mapping: dict, *keys: str) -> dict:
    """A copy of ``mapping`` without ``keys`` (for pager links that keep the filters)."""
    return {k: v for k, v in mapping.items() if k not in keys}


@bp.record_once
def _install(state):
    env = state.app.jinja_env
    env.filters.setdefault("kst", kst)
    env.globals.setdefault("now_utc", clock.now)
    env.filters.setdefault("reject_key", reject_key)
