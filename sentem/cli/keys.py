"""``flask keys rotate``: a new master key, and a new epoch root for the key hierarchy."""
import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..security import datakeys

keys = AppGroup("keys", help="Master key management.")


@keys.command("rotate")
def rotate():
    """Add a new master key and start a new epoch root (every bucket key re-wrapped).

    The master key seals values that belong to no member; member and archive data keys
    sit under bucket keys under the epoch root, which this rotates (the old root is
    erased after the grace period). With keys from ``SENTEM_MASTER_KEY`` the new master
    key is added there (``1:<old>,2:<new>``) and the app restarted.
    """
    ring = current_app.extensions["sentem_keyring"]
    if ring.source == "env":
        version = ring.current_version
        click.echo(f"master keys come from SENTEM_MASTER_KEY (current m{version}): add a new version "
                   "there and restart to rotate it; starting a new epoch root.")
    else:
        version = ring.rotate()
    count = datakeys.rewrap_all()
    db.session.commit()
    epoch = datakeys.epochs.status()["epoch"]
    click.echo(f"master key m{version} is current; epoch root r{epoch} is current, {count} key(s) "
               "re-wrapped under it. Old master keys stay in the ring so older tokens remain readable; "
               "the old root is erased after the grace period.")


COMMANDS = (keys,)
