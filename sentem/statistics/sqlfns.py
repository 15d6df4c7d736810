"""The little SQL the job needs that PostgreSQL and SQLite spell differently.

KST calendar days and months of UTC timestamp columns; the keyed pseudonym of an id column
(HMAC-SHA256, ``pseudonyms``) computed inside the database; bulk loading: ``COPY`` on
PostgreSQL (a million staging rows in seconds, where row-by-row inserts take minutes), a
plain ``executemany`` on SQLite, which is fast there anyway; and the job's working memory.
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
from collections.abc import Iterable, Sequence

from sqlalchemy import LargeBinary, Text, cast, func, insert, literal, text
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.exc import DBAPIError

from ..extensions import db


def is_postgresql() -> bool:
    """Whether the session's database is PostgreSQL."""
    return db.session.get_bind().dialect.name == "postgresql"


_pg = is_postgresql


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


def id_list(col):
    """SQL aggregate: the distinct integers of ``col`` in a group as ",3,7," (ascending on
    PostgreSQL; SQLite's ``group_concat`` keeps no promised order, so compare them as sets)."""
    if _pg():
        items = func.string_agg(cast(col, Text), aggregate_order_by(literal(","), col))
    else:
        items = func.group_concat(col, literal(","))
    return literal(",").op("||")(items).op("||")(literal(","))


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


WORK_MEM = "256MB"  # the job's sorts and hashes over millions of rows stay in memory (PostgreSQL)


# The run's temporary tables (a million staged members and more) in this session's memory: with
# the default 8 MB every scan of them went through files, seconds each at 1,000,000 members.
TEMP_BUFFERS = "1GB"


def tune() -> None:
    """Give this transaction's big GROUP BYs and joins room (PostgreSQL; SQLite needs nothing).

    ``temp_buffers`` is a session setting that PostgreSQL lets change only until the session
    first uses a temporary table (setting the same value again is fine): it is set for the
    session, and a session that already used temporary tables otherwise keeps its own.
    """
    if not _pg():
        return
    db.session.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
    try:
        with db.session.begin_nested():
            db.session.execute(text(f"SET temp_buffers = '{TEMP_BUFFERS}'"))
    except DBAPIError:
        pass  # temporary tables were used in this session with another size: run with that


@contextlib.contextmanager
def pseudonym_sql(raw_key: bytes, name: str = "stat_pseudonym"):
    """Yields ``of(id_column)``: SQL for ``pseudonyms.pseudonym(raw_key, id)`` of each row.

    PostgreSQL (11+) has SHA-256 built in, so HMAC is spelled out from it (RFC 2104: the key
    padded to the 64-byte block, XORed with the inner and outer pads); the pads travel as bound
    parameters of the one statement, never in its text and never into a table. SQLite gets
    the Python function ``name`` on this connection for the duration (two keys: two names).
    """
    if len(raw_key) > 64:
        raise ValueError("an HMAC-SHA256 key longer than the block would be hashed first")
    if _pg():
        padded = raw_key.ljust(64, b"\0")
        ipad = literal(bytes(b ^ 0x36 for b in padded), LargeBinary)
        opad = literal(bytes(b ^ 0x5C for b in padded), LargeBinary)

        def of(col):
            inner = func.sha256(ipad.op("||")(func.convert_to(cast(col, Text), "UTF8")))
            return func.substr(func.encode(func.sha256(opad.op("||")(inner)), "hex"), 1, 32)

        yield of
        return
    dbapi = db.session.connection().connection.dbapi_connection

    def pseudonym(member_id):
        return hmac.new(raw_key, str(int(member_id)).encode("ascii"), hashlib.sha256).hexdigest()[:32]

    dbapi.create_function(name, 1, pseudonym, deterministic=True)
    try:
        yield lambda col: getattr(func, name)(col)
    finally:
        dbapi.create_function(name, 1, None)  # the key leaves the connection
