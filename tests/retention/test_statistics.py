"""No copy of a secret in PostgreSQL's planner statistics (``pg_statistic``): the
migrations give every ciphertext, blind-index and key column a statistics target of 0,
and remove statistics gathered before."""
from __future__ import annotations

from sqlalchemy import text

from sentem.extensions import db
from sentem.security import nostats
from tests.builders import make_member
from tests.retention.pgcluster import shop_on


def _stats_rows(conn, table: str, column: str) -> int:
    return conn.execute(text("SELECT count(*) FROM pg_stats WHERE tablename = :t AND attname = :c"),
                        {"t": table, "c": column}).scalar_one()


def test_secret_columns_keep_no_statistics(pg_cluster, tmp_path):
    with shop_on(pg_cluster, "stats", str(tmp_path / "instance")):
        covered = {bind: nostats.secret_columns(db.metadatas[bind]) for bind in (None, "archive", "keys")}
        assert ("members", "name_ct") in covered[None] and ("members", "email_bidx") in covered[None]
        assert ("archived_records", "payload_ct") in covered["archive"]
        assert {("data_keys", "wrapped"), ("key_buckets", "wrapped")} <= set(covered["keys"])
        for _ in range(30):
            make_member()
        for bind, columns in covered.items():
            with db.engines[bind].connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                targets = dict(((t, c), v) for t, c, v in conn.execute(text(
                    "SELECT c.relname, a.attname, a.attstattarget FROM pg_attribute a "
                    "JOIN pg_class c ON c.oid = a.attrelid WHERE a.attnum > 0")))
                assert {tc: targets[tc] for tc in columns} == {tc: 0 for tc in columns}
                for table in {t for t, _ in columns}:  # what the scrub runs, and autovacuum
                    conn.execute(text(f'VACUUM (FULL, ANALYZE) "{table}"'))
                assert nostats.gathered(conn, db.metadatas[bind]) == []
        # Other columns still get statistics: the planner keeps working.
        with db.engines[None].connect() as conn:
            assert _stats_rows(conn, "members", "status") == 1


def test_statistics_gathered_before_are_removed(pg_cluster, tmp_path):
    with shop_on(pg_cluster, "oldstats", str(tmp_path / "instance")) as app:
        for _ in range(30):
            make_member()
        with db.engines[None].connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # As an older schema left it: statistics gathered on a ciphertext column.
            conn.execute(text('ALTER TABLE members ALTER COLUMN name_ct SET STATISTICS -1'))
            conn.execute(text("ANALYZE members"))
            assert _stats_rows(conn, "members", "name_ct") == 1
            # Target 0 and ANALYZE again is not enough: PostgreSQL keeps the old rows.
            conn.execute(text('ALTER TABLE members ALTER COLUMN name_ct SET STATISTICS 0'))
            conn.execute(text("ANALYZE members"))
            assert _stats_rows(conn, "members", "name_ct") == 1
            conn.execute(text('ALTER TABLE members ALTER COLUMN name_ct SET STATISTICS -1'))
        runner = app.test_cli_runner()
        result = runner.invoke(args=["init"])  # the upgrade applies the rule and purges
        assert result.exit_code == 0, result.output
        with db.engines[None].connect() as conn:
            assert _stats_rows(conn, "members", "name_ct") == 0
            assert nostats.gathered(conn, db.metadatas[None]) == []
