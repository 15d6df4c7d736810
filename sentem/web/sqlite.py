"""SQLite settings every connection needs."""
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

    @event.listens_for(Engine, "connect")
    def _on_connect(dbapi_connection, _record):
        if isinstance(dbapi_connection, sqlite3.Connection):
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()
