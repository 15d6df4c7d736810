"""Column types shared by every feature."""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import DDL
from sqlalchemy.types import DateTime, TypeDecorator

from . import clock


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every database (SQLite drops the zone; we put it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, _dt.datetime):
            raise TypeError("UTCDateTime needs a datetime")
        value = clock.as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        return clock.as_utc(value)


def utcnow():
    """Column default: the Sentem clock, evaluated per row (never at import)."""
    return clock.now()



# PostgreSQL extensions the schema uses: pg_trgm for the catalog's title search index
# (gin_trgm_ops). It is a trusted extension (PostgreSQL 13+): the database owner may create
# it without superuser rights. SQLite needs nothing (its search is a bounded scan).
PG_EXTENSIONS = ("pg_trgm",)
# The same as DDL events for ``create_all`` (shop's init_app attaches them to its table).
PG_EXTENSIONS_DDL = tuple(DDL(f"CREATE EXTENSION IF NOT EXISTS {name}").execute_if(dialect="postgresql")
                          for name in PG_EXTENSIONS)


def create_pg_extensions(connection) -> None:
    """Create the extensions the schema needs before a migration (PostgreSQL only)."""
    if connection.dialect.name == "postgresql":
        for name in PG_EXTENSIONS:
            connection.exec_driver_sql(f"CREATE EXTENSION IF NOT EXISTS {name}")
