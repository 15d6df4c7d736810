"""Migrations create all three databases; ``flask init`` is idempotent."""
from __future__ import annotations

from sqlalchemy import inspect, text

from sentem.extensions import db

BINDS = (None, "archive", "keys")


def _schema() -> dict:
    """Every table with its columns and indexes, per database."""
    out = {}
    for bind in BINDS:
        insp = inspect(db.engines[bind])
        out[bind] = {
            t: (sorted(c["name"] for c in insp.get_columns(t)),
                sorted(i["name"] for i in insp.get_indexes(t)))
            for t in insp.get_table_names()
        }
    return out


def _heads() -> dict:
    out = {}
    for bind in BINDS:
        with db.engines[bind].connect() as conn:
            out[bind] = [r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
    return out


def test_every_model_table_exists_in_its_own_database(app):
    schema = _schema()
    for bind in BINDS:
        expected = set(db.metadatas[bind].tables)
        assert expected <= set(schema[bind]), (bind, expected - set(schema[bind]))
        for name, table in db.metadatas[bind].tables.items():
            assert set(c.name for c in table.columns) <= set(schema[bind][name][0]), name
    # The separation is real: member data is not in the key store, keys are not in main.
    assert "members" in schema[None] and "members" not in schema["keys"]
    assert "data_keys" in schema["keys"] and "data_keys" not in schema[None]
    assert "data_keys" not in schema["archive"] and "members" not in schema["archive"]


def test_all_three_databases_are_at_the_migration_head(app):
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    assert _heads() == {bind: [head] for bind in BINDS}


def _row_counts() -> dict:
    counts = {}
    for bind in BINDS:
        with db.engines[bind].connect() as conn:
            for table in db.metadatas[bind].sorted_tables:
                counts[table.name] = conn.execute(text(f'SELECT COUNT(*) FROM "{table.name}"')).scalar()
    return counts


def test_init_twice_changes_nothing(app, runner):
    before = _schema()
    heads = _heads()
    rows = _row_counts()
    for _ in range(2):
        result = runner.invoke(args=["init"])
        assert result.exit_code == 0, result.output
        assert "main, archive and key-store databases" in result.output
    assert _schema() == before
    assert _heads() == heads
    assert _row_counts() == rows  # init steps (first policy version, ...) add nothing twice


def test_the_migration_matches_the_models(app, runner):
    """Every model change is in the migration (``scripts/regen-migrations`` was run)."""
    result = runner.invoke(args=["db", "check"])
    # Alembic's check raises (exit status 1, "New upgrade operations detected") on any difference.
    assert result.exit_code == 0 and result.exception is None, result.output
