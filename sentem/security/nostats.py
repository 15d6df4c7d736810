"""No planner statistics on columns that hold secrets (PostgreSQL).

``ANALYZE`` (and autovacuum's auto-analyze, and ``VACUUM (ANALYZE)``) copies sample
values of each column into ``pg_statistic``: most common values, histogram bounds.
For a ciphertext, a blind index or a wrapped key that is a copy nobody deletes when
the row is destroyed, and ``pg_dump`` never shows it. So every such column gets a
statistics target of 0 — ``ANALYZE`` then skips it — and statistics gathered before
are removed: a same-type ``ALTER COLUMN … TYPE`` drops the column's ``pg_statistic``
rows (``ANALYZE`` with target 0 leaves old rows in place; checked in the tests).

The migrations environment (``migrations/env.py``) applies this after every upgrade,
from the models' own declarations, so a new sealed column is covered without a list
to keep. SQLite keeps no sample values (its ``sqlite_stat1`` holds only counts; this
build has no ``sqlite_stat4``), so there is nothing to do there.
"""
from __future__ import annotations

from sqlalchemy import text

from .fields import Sealed

SECRET_INFO = ("personal", "blind_index", "encrypted", "archive_payload", "secret")


def secret_columns(metadata) -> list[tuple[str, str]]:
    """(table, column) of every column holding ciphertext, a blind index or key material."""
    out = []
    for table in metadata.sorted_tables:
        for col in table.columns:
            if isinstance(col.type, Sealed) or any(k in col.info for k in SECRET_INFO):
                out.append((table.name, col.name))
    return out


def apply(connection, metadata) -> list[str]:
    """Statistics target 0, and no statistics left, for every secret column (PostgreSQL only).

    Returns the statements it ran; idempotent (nothing when all is already so).
    """
    if connection.dialect.name != "postgresql":
        return []
    done = []
    for table, column in secret_columns(metadata):
        row = connection.execute(text(
            "SELECT a.attstattarget, format_type(a.atttypid, a.atttypmod), EXISTS (SELECT 1 FROM pg_stats s "
            "WHERE s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname) "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.oid = to_regclass(:t) AND a.attname = :c AND NOT a.attisdropped"),
            {"t": f'"{table}"', "c": column}).first()
        if row is None:
            continue  # not in this database
        target, sql_type, has_stats = row
        statements = []
        if target is None or target != 0:
            statements.append(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET STATISTICS 0')
        if has_stats:
            statements.append(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE {sql_type}')
        for statement in statements:
            connection.execute(text(statement))
        done.extend(statements)
    return done


def gathered(connection, metadata) -> list[tuple[str, str]]:
    """(table, column) of secret columns that have statistics now (for checks and tests)."""
    if connection.dialect.name != "postgresql":
        return []
    names = secret_columns(metadata)
    rows = connection.execute(text("SELECT tablename, attname FROM pg_stats WHERE schemaname = current_schema()"))
    have = {(t, c) for t, c in rows}
    return [tc for tc in names if tc in have]
