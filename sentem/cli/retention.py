"""``flask retention run|status``: perform due retention duties now; list what waits.

``--as-of`` a later day rehearses the calendar in development; in production
(``SENTEM_ENV=production``) it is refused, because it really destroys — records whose
periods have not ended, and epoch roots a recent backup still needs.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import clock
from ..privacy import labels
from ..privacy.retention import services
from ..privacy.retention.sweep import SweepBusy, pending_work, sweep

REFUSED = ("운영 환경(SENTEM_ENV=production)에서는 --as-of에 오늘({today}) 이후의 날짜({day})를 쓸 수 없습니다: "
           "보존기간이 끝나지 않은 기록과 키가 실제로 파기됩니다. 일정 미리보기는 --dry-run으로 하세요. "
           "(--as-of a later day is refused in production: it would really destroy records early; "
           "use --dry-run to preview.)")


def _as_of_option(fn):
    """``--as-of YYYY-MM-DD`` (freezes the clock, as ``cli.as_of_option``), remembering the
    instant it was before, so that a later day can be told from today."""

    def freeze(ctx, param, value):
        ctx.meta["sentem.clock_before_as_of"] = (clock.now(), clock.is_frozen())
        if value is not None:
            clock.freeze(value.date())
        return value

    return click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        expose_value=True, callback=freeze, help="Run as of this date (KST).")(fn)


def _refuse_later_day_in_production(as_of, dry_run: bool) -> None:
    if as_of is None or dry_run or current_app.config.get("SENTEM_ENV") != "production":
        return
    before, was_frozen = click.get_current_context().meta["sentem.clock_before_as_of"]
    today = clock.to_kst(before).date()
    if as_of.date() > today:
        if was_frozen:
            clock.freeze(before)
        else:
            clock.unfreeze()
        raise click.ClickException(REFUSED.format(today=today.isoformat(), day=as_of.date().isoformat()))


@click.group("retention")
def retention_group():
    """Retention duties: archive moves, destruction, crypto-shredding (policy §5)."""


@retention_group.command("run")
@_as_of_option
@click.option("--dry-run", is_flag=True, help="Only report what would be done.")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=500, show_default=True)
@with_appcontext
def run_command(as_of, dry_run, batch_size):
    """Perform every duty due as of that day (archive moves, destructions); print what was done.

    A later ``--as-of`` day is refused in production (allowed with ``--dry-run``)."""
    _refuse_later_day_in_production(as_of, dry_run)
    now = clock.now()
    total = pending_work(now)
    with click.progressbar(length=max(total, 1), label="retention sweep", show_pos=True) as bar:
        try:
            summary = sweep(as_of=now, batch_size=batch_size, dry_run=dry_run, job="cli", scrub_now=True,
                            progress=lambda n: bar.update(min(n, max(total - bar.pos, 0))))
        except SweepBusy:
            raise click.ClickException("another retention sweep is running; try again later")
        bar.update(max(total - bar.pos, 0))
    if summary.errors:  # a failed run prints only its failure (never "nothing was due")
        for err in summary.errors:
            click.echo(f"error: {err}", err=True)
        click.echo(f"retention run {summary.run_id} failed; `flask retention status` lists what waits", err=True)
        raise SystemExit(1)
    head = "DRY RUN — nothing changed. " if dry_run else ""
    click.echo(f"{head}run {summary.run_id} as of {clock.to_kst(now):%Y-%m-%d %H:%M} KST")
    if not summary.counts:
        click.echo("nothing was due.")
    for (rc, action), n in sorted(summary.counts.items()):
        click.echo(f"  {rc:<24} {action:<18} {n:>8}  {labels.korean('retention_action', action) if action in labels.codes('retention_action') else ''}")
    click.echo(f"duties done: {summary.duties_done}, held: {summary.duties_held}")
    for line in summary.scrubbed:
        click.echo(f"scrub: {line}")


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
