"""``flask worker``: RQ worker with the cron schedule of recurring duties."""
import click
from flask import current_app
from flask.cli import with_appcontext

from ..jobs.worker import run_worker


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (tests, one-off runs).")
@click.option("--no-cron", is_flag=True, help="Do not start the cron scheduler beside the worker.")
@with_appcontext
def worker_command(burst, no_cron):
    """Run an RQ worker (needs SENTEM_REDIS_URL)."""
    url = current_app.config["SENTEM_REDIS_URL"]
    if not url:
        raise click.ClickException("SENTEM_REDIS_URL is not set: in the embedded mode jobs run in-process")
    run_worker(current_app._get_current_object(), burst=burst, with_cron=not no_cron)


COMMANDS = (worker_command,)
