"""The job's temporary tables: they live only in the run's transaction on its connection.

``LINK`` is the one place where a member id meets its pseudonyms — under the run's new key
and under the previous one (what lets SQL join orders and logins to profiles, and re-key the
kept profiles); ``SCOPE`` holds the counted members whose facts and categories this run
recomputes (all of them on a full run) and ``BOUGHT`` their sold order lines (read once for
both), ``DAYS`` the KST days whose sales changed; ``GONE`` and ``GONE_DAYS`` the marks of
deleted orders and logins this run read (``deletions``), ``MOVED`` the products whose category
changed (``changes``);
``DEMO`` holds the freshly decrypted band and region, ``FACTS`` each counted member's
signup month, orders and last visit, ``PAIRS`` the categories they bought from (spelled as
the profile keeps them). All are dropped before the run commits, so no statistics table keeps a
member id. Only ``LINK``'s reason and change flag are ever ANALYZEd (``describe``): without
statistics PostgreSQL guesses that a few hundred of a million rows are counted and joins
them to the orders by nested loops; statistics of the id or pseudonym columns would keep
sample values of them in its catalog.
"""
from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, Text, text

from ..extensions import db

_META = MetaData()
_TEMP = {"prefixes": ["TEMPORARY"]}
LINK = Table("tmp_stat_link", _META, Column("member_id", Integer, primary_key=True),
             Column("pseudonym", String(32), nullable=False), Column("old_pseudonym", String(32)),
             Column("reason", String(12)),
             Column("signup_month", String(7)), Column("changed", Boolean, nullable=False), **_TEMP)
DEMO = Table("tmp_stat_demo", _META, Column("pseudonym", String(32), primary_key=True),
             Column("age_band", String(12), nullable=False), Column("band_recheck", String(7)),
             Column("region", String(12), nullable=False), **_TEMP)
FACTS = Table("tmp_stat_facts", _META, Column("pseudonym", String(32), primary_key=True),
              Column("signup_month", String(7), nullable=False), Column("orders_count", Integer, nullable=False),
              Column("last_visit_on", Date), **_TEMP)
PAIRS = Table("tmp_stat_pairs", _META, Column("pseudonym", String(32), primary_key=True),
              Column("categories", Text, nullable=False), **_TEMP)
SCOPE = Table("tmp_stat_scope", _META, Column("member_id", Integer, primary_key=True),
              Column("pseudonym", String(32), nullable=False), Column("fresh", Boolean, nullable=False), **_TEMP)
DAYS = Table("tmp_stat_days", _META, Column("day", Date, primary_key=True), **_TEMP)
BOUGHT = Table("tmp_stat_bought", _META, Column("member_id", Integer, nullable=False),
               Column("order_id", Integer, nullable=False), Column("category_id", Integer, nullable=False), **_TEMP)
GONE = Table("tmp_stat_gone", _META, Column("id", Integer, primary_key=True), Column("key_id", Integer),
             Column("pseudonym", String(32), nullable=False), **_TEMP)
GONE_DAYS = Table("tmp_stat_gone_days", _META, Column("id", Integer, primary_key=True), Column("day", Date), **_TEMP)
MOVED = Table("tmp_stat_moved", _META, Column("product_id", Integer, primary_key=True), **_TEMP)
TABLES = (LINK, DEMO, FACTS, PAIRS, SCOPE, DAYS, BOUGHT, GONE, GONE_DAYS, MOVED)


def create() -> None:
    """Fresh, empty temporary tables on the session's connection."""
    conn = db.session.connection()
    for table in TABLES:
        conn.execute(text(f"DROP TABLE IF EXISTS {table.name}"))
        table.create(conn)


def drop() -> None:
    """Drop them (before the commit)."""
    conn = db.session.connection()
    for table in TABLES:
        conn.execute(text(f"DROP TABLE IF EXISTS {table.name}"))


def describe(table=LINK, columns: str = "reason, changed") -> None:
    """Planner statistics of a staging table: its size and the named flag columns, nothing more."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"ANALYZE {table.name} ({columns})"))
