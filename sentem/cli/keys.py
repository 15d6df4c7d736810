"""``flask keys rotate``: a new master key; every data key re-wrapped under it."""
import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..security import datakeys

keys = AppGroup("keys", help="Master key management.")


@keys.command("rotate")
def rotate():
    """Add a new master key and re-wrap all data keys with it."""
    ring = current_app.extensions["sentem_keyring"]
    try:
        version = ring.rotate()
    except RuntimeError as exc:
        raise click.ClickException(str(exc))
    count = datakeys.rewrap_all()
    db.session.commit()
    click.echo(f"master key m{version} is current; {count} data key(s) re-wrapped. "
               "Old master keys stay in the ring so older tokens remain readable.")


COMMANDS = (keys,)
