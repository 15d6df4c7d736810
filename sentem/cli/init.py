"""``flask init``: create or upgrade all three databases and the key ring."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from .. import init_steps
from ..extensions import db


@click.command("init")
@with_appcontext
def init_command():
    """Create or upgrade the databases (migrations) and the key ring; safe to run twice."""
    run_init()
    click.echo("Sentem is ready: main, archive and key-store databases at the latest revision.")


def run_init() -> None:
    """Migrations, then every package's idempotent init step (``sentem.init_steps``)."""
    upgrade()
    ring = current_app.extensions["sentem_keyring"]
    click.echo(f"key ring: {len(ring.keys)} master key(s), current {ring.current_kid} ({ring.source})")
    init_steps.run(current_app)
    db.session.commit()


COMMANDS = (init_command,)
