"""``flask policy …``: publish privacy-policy and terms versions under the notice rule; sync with the configuration."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..policy import services
from ..privacy import policy_versions

DOCUMENT = click.option("--document", type=click.Choice(["privacy", "terms"]), default="privacy", show_default=True,
                        help="Which document: the privacy policy or the terms of use.")


@click.group("policy")
def policy_group():
    """Privacy-policy and terms-of-use versions."""


@policy_group.command("publish")
@click.option("--effective", "effective", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Effective date (KST), at least 7 days after today's notice (terms disadvantaging members: 30).")
@click.option("--summary", default=None, help="What changes (shown in the notice).")
@click.option("--disadvantageous", is_flag=True, help="Terms only: the change disadvantages members (30 days' notice).")
@DOCUMENT
@with_appcontext
def publish_command(effective, summary, disadvantageous, document):
    """Snapshot the document, post the notice now, and schedule the version."""
    if disadvantageous and document != "terms":
        raise click.UsageError("--disadvantageous applies to --document terms")
    try:
        version = services.publish(effective.date(), summary, document=document, disadvantageous=disadvantageous)
    except services.PublishError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"published {document} {version.label}: notice posted, effective {version.effective_date.isoformat()}")


@policy_group.command("versions")
@DOCUMENT
@with_appcontext
def versions_command(document):
    """List every version."""
    current = policy_versions.current_version(document=document)
    for v in policy_versions.all_versions(published_only=False, document=document):
        mark = "*" if current and v.id == current.id else " "
        eff = v.effective_date.isoformat() if v.effective_date else "-"
        click.echo(f"{mark} {v.label:6} {v.status:9} effective {eff}")


@policy_group.command("sync")
@with_appcontext
def sync_command():
    """Bring the entrustment register and the terms in line with the configuration (drafts; publish them after)."""
    changes = services.sync()
    for line in changes:
        click.echo(line)
    for document in ("privacy", "terms"):
        draft = policy_versions.open_draft(document)
        if draft is not None:
            click.echo(f"{document}: draft {draft.label} waits for publishing (flask policy publish --document "
                       f"{document} --effective YYYY-MM-DD)")
    if not changes:
        click.echo("configuration unchanged")


COMMANDS = (policy_group,)
