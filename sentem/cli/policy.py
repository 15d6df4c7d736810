"""``flask policy publish``: publish a new privacy-policy version under the 7-day notice rule."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..policy import services
from ..privacy import policy_versions


@click.group("policy")
def policy_group():
    """Privacy-policy versions."""


@policy_group.command("publish")
@click.option("--effective", "effective", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Effective date (KST), at least 7 days after today's notice.")
@click.option("--summary", default=None, help="What changes (shown in the notice).")
@with_appcontext
def publish_command(effective, summary):
    """Snapshot the registry, post the notice now, and schedule the version."""
    try:
        version = services.publish(effective.date(), summary)
    except services.PublishError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"published {version.label}: notice posted, effective {version.effective_date.isoformat()}")


@policy_group.command("versions")
@with_appcontext
def versions_command():
    """List every version."""
    current = policy_versions.current_version()
    for v in policy_versions.all_versions(published_only=False):
        mark = "*" if current and v.id == current.id else " "
        eff = v.effective_date.isoformat() if v.effective_date else "-"
        click.echo(f"{mark} {v.label:6} {v.status:9} effective {eff}")


COMMANDS = (policy_group,)
