"""Template helpers of the staff area: the current instant, pager links (times: ``sentem.formats``)."""
from __future__ import annotations

from .. import clock
from . import bp


def reject_key(mapping: dict, *keys: str) -> dict:
    """A copy of ``mapping`` without ``keys`` (for pager links that keep the filters)."""
    return {k: v for k, v in mapping.items() if k not in keys}


@bp.record_once
def _install(state):
    env = state.app.jinja_env
    env.globals.setdefault("now_utc", clock.now)
    env.filters.setdefault("reject_key", reject_key)
