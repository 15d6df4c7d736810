"""Copying one database to a backup file and back: SQLite's online backup API, or
PostgreSQL's ``pg_dump``/``pg_restore`` (custom format).

Each copy is consistent in itself (a snapshot); ``backup create`` takes them in the
order main, archive, key store while holding the sweep's lease, so a key is never
missing for a row the main copy holds unless it was destroyed — which the restore's
replay then finishes.
"""
from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess

from sqlalchemy import text

FILES = {None: "main", "archive": "archive", "keys": "keys"}


class BackupError(RuntimeError):
    """A database could not be copied (the message says which and why)."""


def file_name(bind, dialect: str) -> str:
    return f"{FILES[bind]}.{'sqlite' if dialect == 'sqlite' else 'pgdump'}"


def dump(engine, target: str) -> None:
    """A consistent copy of the database behind ``engine`` in ``target`` (mode 0600)."""
    if engine.dialect.name == "sqlite":
        src = sqlite3.connect(engine.url.database)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return
    _pg(engine, "pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", target)
    os.chmod(target, 0o600)


def restore(engine, source: str) -> None:
    """Replace the database behind ``engine`` with the copy in ``source``."""
    engine.dispose()
    if engine.dialect.name == "sqlite":
        src = sqlite3.connect(source)
        dst = sqlite3.connect(engine.url.database)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    _pg(engine, "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-d", _dbname(engine), source)


def _dbname(engine) -> str:
    return engine.url.database


def _pg(engine, tool: str, *args: str) -> None:
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    cmd = [_tool(tool), "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres",
           *args]
    if tool == "pg_dump":
        cmd.append(url.database)
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise BackupError(f"{tool} {url.database}: {done.stderr.strip()[-500:]}")


def _tool(name: str) -> str:
    """The newest installed PostgreSQL client tool (Debian keeps them outside PATH)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    path = found[-1] if found else shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools are needed)")
    return path
