"""``flask`` command groups, one module per domain."""
from __future__ import annotations

import functools

import click

from .. import clock
from ..extensions import DATABASE_UNAVAILABLE, unavailable_reason


def init_app(app) -> None:
    """Every command group; a module that fails to import fails ``create_app``."""
    from . import audit, backup, demo, init, keys, policy, retention, staff, worker

    for module in (init, keys, worker, demo, staff, retention, audit, policy, backup):
        for command in module.COMMANDS:
            fail_cleanly(command)
            app.cli.add_command(command)


def fail_cleanly(command: click.Command) -> None:
    """A database that cannot be reached ends ``command`` (and its subcommands) with one line
    on stderr and exit status 1: no traceback (it would quote statements and parameters) and
    nothing after it that reads like success."""
    for sub in getattr(command, "commands", {}).values():
        fail_cleanly(sub)
    inner = command.callback
    if inner is None or getattr(inner, "sentem_fails_cleanly", False):
        return

    @functools.wraps(inner)
    def guarded(*args, **kwargs):
        try:
            return inner(*args, **kwargs)
        except DATABASE_UNAVAILABLE as exc:
            raise click.ClickException(f"database unavailable ({unavailable_reason(exc)}); the command "
                                       "stopped: run it again once the database answers") from None

    guarded.sentem_fails_cleanly = True
    command.callback = guarded


def as_of_option(fn):
    """``--as-of YYYY-MM-DD``: run as if it were that day (freezes the Sentem clock)."""

    def freeze(ctx, param, value):
        if value is not None:
            clock.freeze(value.date())
        return value

    return click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        expose_value=True, callback=freeze, help="Run as of this date (KST).")(fn)
