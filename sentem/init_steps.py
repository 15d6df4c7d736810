"""Steps that ``flask init`` runs after the migrations, added by each package's ``init_app``.

Each step must be idempotent (``flask init`` runs on every deploy). Kept on the app,
not in a module global, so two apps in one process never share or lose steps.
"""
from __future__ import annotations

from typing import Callable

EXTENSION = "sentem_init_steps"


def add(app, *steps: Callable[[], None]) -> None:
    """Run ``steps`` (in this order) on ``flask init``."""
    table = app.extensions.setdefault(EXTENSION, [])
    for step in steps:
        if step not in table:
            table.append(step)


def steps(app) -> list[Callable[[], None]]:
    return list(app.extensions.get(EXTENSION, []))


def run(app) -> None:
    for step in steps(app):
        step()
