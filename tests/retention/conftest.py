"""Retention tests: the toy record class fixture."""
from tests.retention.toy import toy  # noqa: F401
