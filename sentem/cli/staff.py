"""``flask staff``: staff accounts from the command line."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..privacy import access_log
from ..staff.services import (StaffError, all_staff, create_staff, find_by_login_id, provisioning_uri,
                              reset_credentials, unlock)


@click.group("staff")
def staff_group():
    """Staff accounts of the admin area."""


@staff_group.command("create")
@click.argument("login")
@click.option("--role", required=True, help="privacy_officer, privacy_handler, order_staff, shipping_staff, "
                                            "support_staff, auditor, marketing_staff or catalog_staff")
@click.option("--name", default=None, help="Display name.")
@with_appcontext
def create_command(login, role, name):
    """Create a staff account; prints its password and TOTP secret once."""
    try:
        staff, password, secret = create_staff(login, role, name=name)
    except StaffError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"staff {staff.id} created: login {login}, role {role}")
    click.echo(f"password: {password}")
    click.echo(f"TOTP secret: {secret}")
    click.echo(f"TOTP URI: {provisioning_uri(staff)}")
    click.echo("Shown once: hand these over securely. Sign in at /admin/login.")


def _find(login):
    staff = find_by_login_id(login)
    if staff is None:
        raise click.ClickException(f"no staff account {login}")
    return staff


@staff_group.command("unlock")
@click.argument("login")
@with_appcontext
def unlock_command(login):
    """Lift a lockout after too many failed sign-ins."""
    staff = _find(login)
    unlock(staff)
    access_log.record("staff.unlock", staff_id=None, detail=f"직원 {staff.id} 잠금 해제(명령줄)")
    db.session.commit()
    click.echo(f"staff {staff.id} unlocked")


@staff_group.command("reset")
@click.argument("login")
@with_appcontext
def reset_command(login):
    """New password and TOTP secret (lost authenticator); prints them once."""
    staff = _find(login)
    try:
        password, secret = reset_credentials(staff)
    except StaffError as exc:
        raise click.ClickException(str(exc)) from exc
    access_log.record("staff.reset", staff_id=None, detail=f"직원 {staff.id} 비밀번호·2단계 인증 재설정(명령줄)")
    db.session.commit()
    click.echo(f"password: {password}")
    click.echo(f"TOTP secret: {secret}")
    click.echo(f"TOTP URI: {provisioning_uri(staff)}")


@staff_group.command("list")
@with_appcontext
def list_command():
    """List staff accounts (login, role, active, last seen)."""
    for s in all_staff():
        click.echo(f"{s.id}\t{s.login_id}\t{s.role}\t{'active' if s.active else 'inactive'}\t{s.last_seen_at or '-'}")


COMMANDS = (staff_group,)
