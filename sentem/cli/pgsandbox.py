"""``flask pg-sandbox [--port N]``: the local Toss-Payments-compatible sandbox, on loopback."""
from __future__ import annotations

import click
from flask import current_app, url_for
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from ..pgsandbox import DEFAULT_CLIENT_KEY, DEFAULT_SECRET_KEY, create_sandbox


@click.command("pg-sandbox")
@click.option("--port", type=click.IntRange(1, 65535), default=8790, show_default=True, help="Loopback port.")
@with_appcontext
def pg_sandbox_command(port):
    """Serve the Toss Payments v1 API and a payment window for development (refused in production)."""
    cfg = current_app.config
    if cfg["SENTEM_ENV"] == "production":
        raise click.ClickException("pg-sandbox is for development and tests; production uses Toss Payments")
    secret = cfg.get("SENTEM_TOSS_SECRET_KEY") or DEFAULT_SECRET_KEY
    client = cfg.get("SENTEM_TOSS_CLIENT_KEY") or DEFAULT_CLIENT_KEY
    with current_app.test_request_context(base_url=cfg["SENTEM_BASE_URL"]):
        webhook = url_for("orders.toss_webhook", _external=True)
    click.echo(f"Toss sandbox on http://127.0.0.1:{port} (webhooks to {webhook})")
    click.echo("Run the shop with:")
    click.echo(f"  SENTEM_PAYMENT_GATEWAY=toss SENTEM_TOSS_API_BASE=http://127.0.0.1:{port} \\")
    click.echo(f"  SENTEM_TOSS_CLIENT_KEY={client} SENTEM_TOSS_SECRET_KEY={secret} make run")
    run_simple("127.0.0.1", port, create_sandbox(secret_key=secret, client_key=client, webhook_url=webhook),
               threaded=True, use_reloader=False)


COMMANDS = (pg_sandbox_command,)
