"""SQLite settings every connection needs, and database files only their owner can read."""
import os
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False


def install() -> None:
    """Turn on foreign keys and secure_delete for every SQLite connection.

    secure_delete overwrites deleted content with zeros, so destroyed records do not
    survive in the file's free pages (PIPA Art. 21②: destroyed means unrecoverable).
    """
    global _installed
    if _installed:
        return
    _installed = True

    @event.listens_for(Engine, "do_connect")
    def _private_file(dialect, _record, cargs, cparams):
        if dialect.name == "sqlite":
            private_database_file(cparams.get("database") or (cargs[0] if cargs else None))

    @event.listens_for(Engine, "connect")
    def _on_connect(dbapi_connection, _record):
        if isinstance(dbapi_connection, sqlite3.Connection):
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()


def private_database_file(path) -> None:
    """Create the SQLite file ``path`` with mode 0600 before SQLite opens it (SQLite would make
    it 0644, world-readable), and take group/other access away from an existing one and its
    journal, -wal and -shm files (SQLite gives those the database file's mode)."""
    if not isinstance(path, str) or not path or path == ":memory:" or path.startswith("file:"):
        return
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, mode=0o700, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    for name in (path, path + "-journal", path + "-wal", path + "-shm"):
        try:
            if os.stat(name).st_mode & 0o077:
                os.chmod(name, 0o600)
        except (FileNotFoundError, PermissionError):
            continue  # not there (yet), or not ours to change
