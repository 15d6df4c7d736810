"""Failed commands print only the failure (issue 14, part 7).

Every ``flask`` command of the shop, run against databases that do not answer (a loopback
port nobody listens on), ends with one ``Error:`` line naming the unavailable database and
exit status 1: no traceback (it would quote statements and their parameters), and no line
before or after it that reads like success ("nothing was due", "done").
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys

import click
import pytest

from sentem import create_app
from tests.conftest import base_config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Required arguments of the commands that have some; a new command with required
# arguments fails the walk until it is listed here.
ARGS = {
    "staff create": ["nobody.here", "--role", "support_staff"], "staff unlock": ["nobody.here"],
    "staff reset": ["nobody.here"], "audit report": ["--quarter", "2026Q3"],
    "policy publish": ["--effective", "2026-12-31"],
}
# Not walked: Flask-Migrate's own group, the long-running worker (it has its own exit
# status when its scheduler cannot run: tests/foundation/test_scheduler.py), and the backup
# commands, which need a directory (run below with one), and the long-running Toss sandbox
# server, which never opens the database (tests/orders/test_toss_sandbox.py runs it), and the
# development outbox reader, which reads the instance folder's files only, never a database
# (tests/notify/test_outbox_cli.py).
SKIP = {"db", "worker", "backup", "pg-sandbox", "outbox"}


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again at once: connections to it are refused


@pytest.fixture
def dead(tmp_path):
    port = _dead_port()
    urls = {key: f"postgresql+psycopg://postgres@127.0.0.1:{port}/{name}" for key, name in (
        ("SQLALCHEMY_DATABASE_URI", "main"), ("SENTEM_ARCHIVE_DATABASE_URL", "archive"),
        ("SENTEM_KEYSTORE_DATABASE_URL", "keys"))}
    cfg = base_config(str(tmp_path / "instance"))
    cfg.update(urls, SENTEM_REDIS_URL=None)
    return create_app(cfg), urls


def _commands(group: click.Group, path: tuple = ()) -> list[tuple[str, ...]]:
    out = []
    for name, command in sorted(group.commands.items()):
        if not path and name in SKIP:
            continue
        if isinstance(command, click.Group):
            out += _commands(command, (*path, name))
        else:
            out.append((*path, name))
    return out


def test_every_command_prints_only_its_failure_when_the_database_is_down(dead, tmp_path):
    app, _urls = dead
    runner = app.test_cli_runner()
    walked = _commands(app.cli)
    assert ("retention", "run") in walked and ("staff", "list") in walked
    backup = tmp_path / "backup"
    backup.mkdir()
    runs = [[*path, *ARGS.get(" ".join(path), [])] for path in walked]
    for args in [*runs, ["backup", "create", str(backup / "new")], ["backup", "restore", str(backup)]]:
        result = runner.invoke(args=args)
        lines = [ln for ln in result.output.splitlines() if ln.strip()]
        assert result.exit_code == 1, (args, result.exit_code, result.output)
        assert isinstance(result.exception, SystemExit), (args, repr(result.exception))
        assert len(lines) == 1 and lines[0].startswith("Error: "), (args, result.output)
        assert "Traceback" not in result.output and "[SQL:" not in result.output, args


def test_retention_run_in_a_real_process_prints_one_error_line(dead):
    app, urls = dead
    env = dict(os.environ, SENTEM_INSTANCE_PATH=app.config["SENTEM_INSTANCE_PATH"], SENTEM_REDIS_URL="",
               SENTEM_DATABASE_URL=urls["SQLALCHEMY_DATABASE_URI"],
               SENTEM_ARCHIVE_DATABASE_URL=urls["SENTEM_ARCHIVE_DATABASE_URL"],
               SENTEM_KEYSTORE_DATABASE_URL=urls["SENTEM_KEYSTORE_DATABASE_URL"])
    env.pop("SENTEM_MASTER_KEY", None)
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "retention", "run"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 1
    assert done.stdout.strip() == ""  # nothing that reads like a result
    assert done.stderr.strip().startswith("Error: database unavailable (OperationalError: ")
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
