"""``flask outbox list``: read the development outbox (verification and reset links, notices).

The files in ``<instance>/outbox`` are sealed (addresses are personal data), so a developer
reads them through this command. Refused in production: there the outbox is real mail to
real people, and nobody reads it from a shell.
"""
from __future__ import annotations

import datetime as _dt

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import clock
from ..notify import outbox

REFUSED = ("운영 환경(SENTEM_ENV=production)에서는 outbox list를 쓸 수 없습니다: 회원에게 간 메시지를 "
           "명령줄에서 읽지 않습니다. (Refused in production: messages to members are not read from a shell.)")


@click.group("outbox")
def outbox_group():
    """The development outbox (email and SMS written to the instance folder)."""


@outbox_group.command("list")
@click.option("--to", "to", default=None, metavar="ADDRESS", help="Only messages to this address or number.")
@with_appcontext
def list_command(to):
    """Print the development outbox, newest first: id, time, recipient, subject and body."""
    if current_app.config.get("SENTEM_ENV") == "production":
        raise click.ClickException(REFUSED)
    if current_app.config.get("SENTEM_OUTBOX", "files") == "smtp":
        click.echo("SENTEM_OUTBOX=smtp: email goes to the SMTP server; only SMS is kept here.")
    found = outbox.newest_first(to=to)
    if not found:
        click.echo(f"no messages{' to ' + to if to else ''} in {outbox.outbox_dir()}")
        return
    for msg in found:
        when = clock.to_kst(_dt.datetime.fromisoformat(msg["at"])).strftime("%Y-%m-%d %H:%M:%S KST")
        click.echo(f"id:      {msg['id']}")
        click.echo(f"time:    {when}")
        click.echo(f"channel: {msg['channel']} ({msg['category']})")
        click.echo(f"to:      {msg['to']}")
        if msg.get("subject"):
            click.echo(f"subject: {msg['subject']}")
        click.echo("")
        click.echo(msg["body"])
        click.echo("-" * 72)


COMMANDS = (outbox_group,)
