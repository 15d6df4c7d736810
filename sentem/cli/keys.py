"""``flask keys rotate``: a new master key; every data key re-wrapped under it."""
import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..security import datakeys

keys = AppGroup("keys", help="Master key management.")


@keys.command("rotate")
def rotate():
    """Add a new master key and re-wrap all data keys with it.

    With keys from ``SENTEM_MASTER_KEY`` the new key is added there (``1:<old>,2:<new>``)
    and the app restarted; this command then only re-wraps under the current one.
    """
    ring = current_app.extensions["sentem_keyring"]
    if ring.source == "env":
        version = ring.current_version
        click.echo(f"master keys come from SENTEM_MASTER_KEY (current m{version}): add a new version "
                   "there and restart to rotate; re-wrapping data keys under the current key.")
    else:
        version = ring.rotate()
    count = datakeys.rewrap_all()
    db.session.commit()
    click.echo(f"master key m{version} is current; {count} data key(s) re-wrapped. "
               "Old master keys stay in the ring so older tokens remain readable.")


COMMANDS = (keys,)
