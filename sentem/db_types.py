"""Column types shared by every feature."""
from __future__ import annotations

import datetime as _dt

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
