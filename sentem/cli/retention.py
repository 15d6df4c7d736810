"""``flask retention run|status``: perform due retention duties now; list what waits."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from .. import clock
from ..privacy.retention import services
from ..privacy.retention.ledger import ACTION_LABELS
from ..privacy.retention.sweep import SweepBusy, pending_work, sweep
from . import as_of_option


@click.group("retention")
def retention_group():
    """Retention duties: archive moves, destruction, crypto-shredding (policy §5)."""


@retention_group.command("run")
@as_of_option
@click.option("--dry-run", is_flag=True, help="Only report what would be done.")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=500, show_default=True)
@with_appcontext
def run_command(as_of, dry_run, batch_size):
    """Perform every duty due as of that day (archive moves, destructions); print what was done."""
    now = clock.now()
    total = pending_work(now)
    with click.progressbar(length=max(total, 1), label="retention sweep", show_pos=True) as bar:
        try:
            summary = sweep(as_of=now, batch_size=batch_size, dry_run=dry_run, job="cli", scrub_now=True,
                            progress=lambda n: bar.update(min(n, max(total - bar.pos, 0))))
        except SweepBusy:
            raise click.ClickException("another retention sweep is running; try again later")
        bar.update(max(total - bar.pos, 0))
    head = "DRY RUN — nothing changed. " if dry_run else ""
    click.echo(f"{head}run {summary.run_id} as of {clock.to_kst(now):%Y-%m-%d %H:%M} KST")
    if not summary.counts:
        click.echo("nothing was due.")
    for (rc, action), n in sorted(summary.counts.items()):
        click.echo(f"  {rc:<24} {action:<18} {n:>8}  {ACTION_LABELS.get(action, '')}")
    click.echo(f"duties done: {summary.duties_done}, held: {summary.duties_held}")
    for line in summary.scrubbed:
        click.echo(f"scrub: {line}")
    if summary.errors:
        for err in summary.errors:
            click.echo(f"error: {err}", err=True)
        raise SystemExit(1)


@retention_group.command("status")
@click.option("--limit", type=int, default=50, show_default=True)
@with_appcontext
def status_command(limit):
    """List upcoming and overdue duties (exits 1 when any is overdue)."""
    over = services.overdue(limit=limit)
    click.echo(f"overdue: {services.overdue_count()}")
    for d in over:
        click.echo(f"  ! {_line(d, clock)}")
    click.echo("upcoming:")
    for d in services.upcoming(limit):
        click.echo(f"    {_line(d, clock)}")
    held = services.held(limit)
    if held:
        click.echo("held:")
        for d in held:
            click.echo(f"    {_line(d, clock)} — {d.hold_reason}")
    if over:
        raise SystemExit(1)


def _line(d, clock) -> str:
    return (f"#{d.id} {d.kind:<15} {d.record_class:<20} {d.subject_ref:<12} "
            f"due {clock.to_kst(d.due_at):%Y-%m-%d %H:%M} deadline {clock.to_kst(d.deadline_at):%Y-%m-%d} "
            f"step {d.step} attempts {d.attempts}" + (f" last error {d.last_error}" if d.last_error else ""))


COMMANDS = (retention_group,)
