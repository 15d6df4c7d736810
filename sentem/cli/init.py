"""``flask init``: create or upgrade all three databases and the key ring."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

# Steps features add (e.g. the first policy version); each must be idempotent.
STEPS: list = []


def register_step(fn):
    if fn not in STEPS:
        STEPS.append(fn)
    return fn


@click.command("init")
@with_appcontext
def init_command():
    """Create or upgrade the databases (migrations) and the key ring; safe to run twice."""
    run_init()
    click.echo("Sentem is ready: main, archive and key-store databases at the latest revision.")


def run_init() -> None:
    from flask_migrate import upgrade

    from ..extensions import db

    upgrade()
    ring = current_app.extensions["sentem_keyring"]
    click.echo(f"key ring: {len(ring.keys)} master key(s), current {ring.current_kid} ({ring.source})")
    for step in STEPS:
        step()
    db.session.commit()


COMMANDS = (init_command,)
