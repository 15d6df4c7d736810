"""``flask backup create DIR`` / ``flask backup restore DIR``.

``create`` writes a consistent copy of the three databases (main, archive, key store;
SQLite's online backup API or ``pg_dump``) and a ``manifest.json`` — never a secret:
the master keys and the epoch-root file are kept apart by the operator (README,
"What destruction reaches"). ``restore`` puts the main database back; the archive and
the key store come from the backup too when the running ones are lost or ``--all``
asks (the key store only while the backup's epoch root still exists). Then it replays
every destruction done since (``privacy/retention/replay.py``), runs the sweep, and
checks the staff access log's chain as ``audit verify`` does.
"""
from __future__ import annotations

import json
import os

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..privacy import access_log
from ..privacy.retention import lease, replay
from ..privacy.retention.models import ArchivedRecord
from ..privacy.retention.sweep import sweep
from ..security import buckets, reindex
from ..security.keystore import DataKey, KeyBucket
from . import backup_files
from .init import run_init

FORMAT = "sentem-backup-1"
MANIFEST = "manifest.json"
BINDS = (None, "archive", "keys")  # this order: a row's key is never newer than the row


@click.group("backup")
def backup_group():
    """Backups of the three databases that cannot bring destroyed people back."""


@backup_group.command("create")
@click.argument("directory", type=click.Path(file_okay=False))
@with_appcontext
def create_command(directory):
    """Write a consistent backup of the three databases into DIRECTORY (new or empty)."""
    if os.path.exists(directory) and os.listdir(directory):
        raise click.ClickException(f"백업 폴더가 비어 있지 않습니다: {directory} (the folder must be new or empty)")
    os.makedirs(directory, mode=0o700, exist_ok=True)
    if not lease.acquire():
        raise click.ClickException("보존 작업(retention sweep)이 실행 중입니다. 끝난 뒤 다시 시도하세요.")
    try:
        manifest = {"format": FORMAT, "created_at": clock.now().isoformat(), "databases": {},
                    "key_epochs": sorted(set(db.session.execute(select(KeyBucket.epoch)).scalars())),
                    "rows": {"archive": _count(ArchivedRecord), "keys": _count(DataKey)}}
        db.session.commit()
        for bind in BINDS:
            engine = db.engines[bind]
            name = backup_files.file_name(bind, engine.dialect.name)
            backup_files.dump(engine, os.path.join(directory, name))
            manifest["databases"][backup_files.FILES[bind]] = {"dialect": engine.dialect.name, "file": name}
    except backup_files.BackupError as exc:
        raise click.ClickException(f"백업에 실패했습니다: {exc}") from exc
    finally:
        lease.release()
    fd = os.open(os.path.join(directory, MANIFEST), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2)
    click.echo(f"backup written to {directory}: main, archive and key-store databases "
               f"(key epochs {manifest['key_epochs']}).")
    click.echo("Not included: master keys and the epoch-root file. Keep no copy of the root file longer "
               "than 2 days (README, 'What destruction reaches').")


@backup_group.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--all", "restore_all", is_flag=True,
              help="Replace the archive and the key store from the backup even when the running ones are usable.")
@with_appcontext
def restore_command(directory, restore_all):
    """Restore the databases from DIRECTORY; everyone destroyed since stays destroyed."""
    manifest = _manifest(directory)
    facts = replay.gather()
    roots = {r["e"] for r in buckets.root_file().epochs()}
    keys_open = set(manifest["key_epochs"]) <= roots
    plan = [None]
    archive_usable = _usable(ArchivedRecord, manifest["rows"]["archive"])
    if restore_all or not archive_usable:
        plan.append("archive")
    if restore_all or not _usable(DataKey, manifest["rows"]["keys"]):
        if keys_open:
            plan.append("keys")
        elif not _usable(DataKey, 0):
            raise click.ClickException(
                "이 백업의 키 저장소는 루트키가 이미 삭제되어 열 수 없고, 현재 키 저장소도 쓸 수 없습니다. "
                "더 최근의 백업을 쓰세요. (the backup's key store is unreadable: its epoch root was erased)")
        else:
            click.echo("the backup's key store cannot be opened any more (its epoch root was erased): "
                       "keeping the running key store")
            if archive_usable and "archive" in plan:
                # The running archive holds what was archived since the backup, sealed under the
                # running key store's day keys; the members it came from can no longer be read
                # to archive them again. Replacing it would lose records the law keeps.
                plan.remove("archive")
                click.echo("keeping the running archive too (it matches the running key store)")
    db.session.remove()
    try:
        for bind in plan:
            backup_files.restore(db.engines[bind], os.path.join(directory, manifest["databases"][_name(bind)]["file"]))
    except backup_files.BackupError as exc:
        raise click.ClickException(f"복원에 실패했습니다: {exc}") from exc
    click.echo(f"restored from {directory} (taken {manifest['created_at']}): "
               + ", ".join(_name(b) for b in plan))
    buckets._cache().clear()  # unwrapped keys of the databases just replaced mean nothing now
    run_init()
    summary = replay.replay(facts)
    # The restored rows' blind indexes may be under a key the running key store no longer
    # holds (or the backup's, now retired): every live value is indexed again, a new key.
    indexed = reindex.rotate()
    click.echo(f"blind indexes recomputed under a new key: {indexed['rows']} values")
    swept = sweep(job="restore", scrub_now=True)
    for (rc, action), n in sorted((summary.counts + swept.counts).items()):
        click.echo(f"  replayed {rc:<24} {action:<18} {n:>8}")
    click.echo(f"destructions since the backup replayed (from {', '.join(facts.sources)}).")
    broken = access_log.verify_detail()
    if broken:
        click.echo(f"access log BROKEN at row {broken[0]}: {broken[1]}", err=True)
        raise SystemExit(1)
    click.echo("access log OK: chain intact")
    if swept.errors:
        raise click.ClickException("; ".join(swept.errors))


def _name(bind) -> str:
    return backup_files.FILES[bind]


def _manifest(directory: str) -> dict:
    path = os.path.join(directory, MANIFEST)
    try:
        with open(path, encoding="utf-8") as fh:
            manifest = json.load(fh)
    except (OSError, ValueError):
        raise click.ClickException(f"백업 폴더에 읽을 수 있는 {MANIFEST}가 없습니다: {directory}") from None
    if manifest.get("format") != FORMAT:
        raise click.ClickException(f"알 수 없는 백업 형식입니다: {manifest.get('format')!r}")
    for bind in BINDS:
        entry = manifest["databases"].get(_name(bind))
        if not entry or not os.path.exists(os.path.join(directory, entry["file"])):
            raise click.ClickException(f"백업에 {_name(bind)} 데이터베이스 파일이 없습니다.")
        if entry["dialect"] != db.engines[bind].dialect.name:
            raise click.ClickException(f"{_name(bind)}: 백업은 {entry['dialect']}, 현재 설정은 "
                                       f"{db.engines[bind].dialect.name}입니다.")
    return manifest


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _usable(model, rows_in_backup: int) -> bool:
    """The running database answers, has its tables, and is not emptier than the backup."""
    try:
        n = _count(model)
    except Exception:  # noqa: BLE001 - unreachable or never migrated: lost
        db.session.rollback()
        return False
    db.session.rollback()
    return n > 0 or rows_in_backup == 0


COMMANDS = (backup_group,)
