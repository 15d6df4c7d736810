"""``flask`` command groups, one module per domain."""
from __future__ import annotations

import click

from .. import clock


def init_app(app) -> None:
    """Every command group; a module that fails to import fails ``create_app``."""
    from . import audit, backup, demo, init, keys, pgsandbox, policy, retention, staff, worker

    for module in (init, keys, worker, demo, staff, retention, audit, policy, backup, pgsandbox):
        for command in module.COMMANDS:
            app.cli.add_command(command)


def as_of_option(fn):
    """``--as-of YYYY-MM-DD``: run as if it were that day (freezes the Sentem clock)."""

    def freeze(ctx, param, value):
        if value is not None:
            clock.freeze(value.date())
        return value

    return click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        expose_value=True, callback=freeze, help="Run as of this date (KST).")(fn)
