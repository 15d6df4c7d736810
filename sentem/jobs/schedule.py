"""The recurring duties: each feature adds its entries from its ``init_app``.

An entry names the job function itself (a ``@job``), so a typo or a missing
function fails ``create_app`` instead of silently dropping a legal duty. The RQ
cron scheduler (``flask worker``) and the in-process scheduler (embedded mode)
both read the app's table through ``entries(app)``.

The cron process has no app, so it enqueues ``run_recurring(name)``: the worker
that runs it finds the function in its own app's table. Nothing here imports a
feature's module by name — the ground floor only knows what the features handed it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from croniter import croniter
from flask import current_app

from . import job

EXTENSION = "sentem_schedule"


@dataclass(frozen=True)
class Recurring:
    name: str
    func: Callable  # a function wrapped by ``sentem.jobs.job``
    cron: str  # crontab in UTC (Korea is UTC+9)

    def resolve(self) -> Callable:
        return self.func


def add(app, *items: Recurring) -> None:
    """Add recurring entries to ``app``'s schedule; a bad entry fails loudly."""
    table = app.extensions.setdefault(EXTENSION, {})
    for item in items:
        if not getattr(item.func, "sentem_job", False):
            raise ValueError(f"recurring {item.name}: {item.func!r} is not a @job")
        if not croniter.is_valid(item.cron):
            raise ValueError(f"recurring {item.name}: invalid cron {item.cron!r}")
        if item.name in table and table[item.name] != item:
            raise ValueError(f"recurring {item.name} registered twice")
        table[item.name] = item


def entries(app) -> list[Recurring]:
    """Every recurring entry of ``app``, in registration order."""
    return list(app.extensions.get(EXTENSION, {}).values())


@job
def run_recurring(name: str):
    """Run the recurring entry ``name`` of the current app (what the cron process enqueues).

    An entry this worker's app does not know fails the job loudly (RQ keeps it in its
    failed registry), rather than passing for done.
    """
    table = current_app.extensions.get(EXTENSION, {})
    if name not in table:
        raise LookupError(f"recurring job {name!r} is not in this app's schedule")
    return table[name].func()
