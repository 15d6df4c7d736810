"""The recurring duties: each feature adds its entries from its ``init_app``.

An entry names the job function itself (a ``@job``), so a typo or a missing
function fails ``create_app`` instead of silently dropping a legal duty. The RQ
cron scheduler (``flask worker``) and the in-process scheduler (embedded mode)
both read the app's table through ``entries(app)``.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from croniter import croniter

EXTENSION = "sentem_schedule"


@dataclass(frozen=True)
class Recurring:
    name: str
    func: Callable  # a function wrapped by ``sentem.jobs.job``
    cron: str  # crontab in UTC (Korea is UTC+9)

    @property
    def path(self) -> str:
        """``module:function``, so that a spawned process can import the job by name."""
        return f"{self.func.__module__}:{self.func.__qualname__}"

    def resolve(self) -> Callable:
        return self.func


def resolve_path(path: str) -> Callable:
    """The job function named ``module:function`` (used in the spawned cron process)."""
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


def add(app, *items: Recurring) -> None:
    """Add recurring entries to ``app``'s schedule; a bad entry fails loudly."""
    table = app.extensions.setdefault(EXTENSION, {})
    for item in items:
        if not getattr(item.func, "sentem_job", False):
            raise ValueError(f"recurring {item.name}: {item.func!r} is not a @job")
        if not croniter.is_valid(item.cron):
            raise ValueError(f"recurring {item.name}: invalid cron {item.cron!r}")
        if resolve_path(item.path) is not item.func:
            raise ValueError(f"recurring {item.name}: {item.path} does not name the job")
        if item.name in table and table[item.name] != item:
            raise ValueError(f"recurring {item.name} registered twice")
        table[item.name] = item


def entries(app) -> list[Recurring]:
    """Every recurring entry of ``app``, in registration order."""
    return list(app.extensions.get(EXTENSION, {}).values())
