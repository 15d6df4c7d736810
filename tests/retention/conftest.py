"""Retention tests: the toy record class fixture, and a throwaway PostgreSQL cluster."""
from tests.retention.pgcluster import pg_cluster  # noqa: F401
from tests.retention.toy import toy  # noqa: F401
