"""``flask staff``: staff accounts from the command line."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("staff")
def staff_group():
    """Staff accounts of the admin area."""


@staff_group.command("create")
@click.argument("login")
@click.option("--role", required=True, help="privacy_officer, privacy_handler, order_staff, shipping_staff, "
                                            "support_staff or auditor")
@click.option("--name", default=None, help="Display name.")
@with_appcontext
def create_command(login, role, name):
    """Create a staff account; prints its password and TOTP secret once."""
    from ..admin.staff_services import StaffError, create_staff, provisioning_uri

    try:
        staff, password, secret = create_staff(login, role, name=name)
    except StaffError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"staff {staff.id} created: login {login}, role {role}")
    click.echo(f"password: {password}")
    click.echo(f"TOTP secret: {secret}")
    click.echo(f"TOTP URI: {provisioning_uri(staff)}")
    click.echo("Shown once: hand these over securely. Sign in at /admin/login.")


@staff_group.command("list")
@with_appcontext
def list_command():
    """List staff accounts (login, role, active, last seen)."""
    from ..admin.staff_services import all_staff

    for s in all_staff():
        click.echo(f"{s.id}\t{s.login_id}\t{s.role}\t{'active' if s.active else 'inactive'}\t{s.last_seen_at or '-'}")


COMMANDS = (staff_group,)
