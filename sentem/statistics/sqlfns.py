"""The little SQL the job needs that PostgreSQL and SQLite spell differently.

KST calendar days and months of UTC timestamp columns, and bulk loading: ``COPY`` on
PostgreSQL (a million staging rows in seconds, where row-by-row inserts take minutes),
a plain ``executemany`` on SQLite, which is fast there anyway.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, insert

from ..extensions import db


def _pg() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def kst_day(col):
    """SQL: the KST calendar day of a UTC timestamp column."""
    if _pg():
        return func.date(func.timezone("Asia/Seoul", col))
    return func.date(col, "+9 hours")


def kst_month(col):
    """SQL: the KST month (``YYYY-MM``) of a UTC timestamp column."""
    if _pg():
        return func.to_char(func.timezone("Asia/Seoul", col), "YYYY-MM")
    return func.strftime("%Y-%m", col, "+9 hours")


def bulk_insert(table, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` within the session's transaction.

    ``rows`` must not query the database while it is consumed: on PostgreSQL the connection
    is inside the COPY until the last row.
    """
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        names = ", ".join(f'"{c}"' for c in columns)
        with conn.connection.dbapi_connection.cursor() as cur:
            with cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        return
    batch: list[dict] = []
    for row in rows:
        batch.append(dict(zip(columns, row)))
        if len(batch) >= 5000:
            conn.execute(insert(table), batch)
            batch = []
    if batch:
        conn.execute(insert(table), batch)
