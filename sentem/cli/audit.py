"""``flask audit``: verify the staff access log's chain; write the quarterly self-audit."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..privacy import access_log, audit


@click.group("audit")
def audit_group():
    """Access-log verification and the quarterly self-audit."""


@audit_group.command("verify")
@with_appcontext
def verify_command():
    """Walk the access log's hash chain; exit 1 naming the first broken row."""
    broken = access_log.verify_detail()
    count = db.session.query(access_log.AccessLogEntry).count()
    if broken is None:
        click.echo(f"access log OK: {count} rows, chain intact")
        return
    row_id, why = broken
    where = "after the last row" if row_id == access_log.TAIL_MISSING else f"row {row_id}"
    click.echo(f"access log BROKEN at {where}: {why}", err=True)
    sys.exit(1)


@audit_group.command("report")
@click.option("--quarter", required=True, help="YYYYQn, e.g. 2026Q3")
@with_appcontext
def report_command(quarter):
    """Build, store and print a summary of the quarterly self-audit report."""
    try:
        report = audit.build_and_store(quarter)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"audit report {report.quarter} stored as #{report.id}: {'OK' if report.ok else 'FINDINGS'}")
    for line in audit.summary_lines(report):
        click.echo(f"  {line}")


COMMANDS = (audit_group,)
