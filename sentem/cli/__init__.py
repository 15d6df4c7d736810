"""``flask`` command groups, one module per domain."""
from __future__ import annotations

import importlib

import click

MODULES = ("init", "keys", "worker", "demo", "staff", "retention", "audit", "policy", "backup")


def register(app) -> None:
    for name in MODULES:
        try:
            module = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue  # that command group is not built yet
            raise
        for command in module.COMMANDS:
            app.cli.add_command(command)


def as_of_option(fn):
    """``--as-of YYYY-MM-DD``: run as if it were that day (freezes the Sentem clock)."""

    def freeze(ctx, param, value):
        if value is not None:
            from .. import clock

            clock.freeze(value.date())
        return value

    return click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        expose_value=True, callback=freeze, help="Run as of this date (KST).")(fn)
