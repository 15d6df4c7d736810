"""Who must hear of records deleted by their retention period or a withdrawal: a port.

Figures derived from records (the usage statistics) are brought up to date each night
from what was written since the last run; a deleted row leaves nothing to see. So the
features that delete orders and logins call ``deleting`` just before they delete, in the
same transaction, and a feature that keeps such figures installs a watcher in its
``init_app`` (``watch``). The core imports no watcher; with none installed nothing is told.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable

from flask import current_app

EXTENSION = "sentem_erasure_watchers"

# watcher(record_class, member ids (None: a guest's), times the figures are dated by (None: never))
Watcher = Callable[[str, list, list], None]


def watch(app, watcher: Watcher) -> None:
    """Tell ``watcher`` of every deletion announced through ``deleting`` in ``app``."""
    watchers = app.extensions.setdefault(EXTENSION, [])
    if watcher not in watchers:
        watchers.append(watcher)


def deleting(record_class: str, member_ids: Iterable[int | None],
             dated: Iterable[_dt.datetime | None] = ()) -> None:
    """Rows of ``record_class`` of these members are about to be deleted (no commit): the
    watchers record what they must recompute, in the caller's transaction. ``dated``: the
    times their figures are dated by (an order's payment), one per row or fewer."""
    watchers = current_app.extensions.get(EXTENSION, ())
    if not watchers:
        return
    ids, times = list(member_ids), list(dated)
    for watcher in watchers:
        watcher(record_class, ids, times)
