"""``bench_statistics`` on a data set kept from an earlier run (``--reuse DIR``).

Building 1,000,000 members and 5,000,000 orders takes about ten minutes; a kept data set is
brought to today's statistics tables (``catch_up_schema``) instead, and ``explain`` shows the
plans of a nightly run's slow statements.
"""
from __future__ import annotations

from bench.common import in_process_config


def catch_up_schema() -> None:
    """A data set kept from an earlier bench, brought to today's statistics tables."""
    from sqlalchemy import text

    from sentem.extensions import db

    db.create_all()  # tables added since
    for statement in ("ALTER TABLE stat_profiles DROP COLUMN IF EXISTS key_year",
                      "ALTER TABLE stat_runs DROP COLUMN IF EXISTS key_year",
                      "ALTER TABLE stat_runs ADD COLUMN IF NOT EXISTS key_id integer",
                      "ALTER TABLE stat_runs ADD COLUMN IF NOT EXISTS \"full\" boolean NOT NULL DEFAULT false",
                      "ALTER TABLE stat_profiles ADD COLUMN IF NOT EXISTS categories text NOT NULL DEFAULT ''",
                      "CREATE INDEX IF NOT EXISTS ix_orders_updated_at ON orders (updated_at)"):
        db.session.execute(text(statement))
    if db.session.execute(text("SELECT to_regclass('stat_profile_categories')")).scalar():  # a row per category
        db.session.execute(text(
            "UPDATE stat_profiles p SET categories = c.ids FROM (SELECT pseudonym, ',' || string_agg("
            "category_id::text, ',' ORDER BY category_id) || ',' AS ids FROM stat_profile_categories GROUP BY 1) c "
            "WHERE p.pseudonym = c.pseudonym"))
        db.session.execute(text("DROP TABLE stat_profile_categories"))
    db.session.execute(text("UPDATE stat_lease SET run_id = NULL, until = NULL"))  # a bench stopped midway
    db.session.execute(text("UPDATE stat_runs SET status = 'failed' WHERE status = 'running'"))
    db.session.commit()


def explain(n: int, reuse: str, out: str, one_day) -> None:
    """On a kept data set: a day of changes, then one nightly run with PostgreSQL's
    ``auto_explain`` writing the plan (EXPLAIN ANALYZE, buffers) of every statement over a
    second to ``out`` — to see which step scans what. Its times are not the bench's figures.
    ``one_day(n)`` writes the day of changes (``bench_statistics``)."""
    from sqlalchemy import event

    from sentem import clock, create_app
    from sentem.extensions import db
    from sentem.statistics import build

    app = create_app(in_process_config("postgresql", reuse))
    with app.app_context(), open(out, "w") as sink:
        clock.unfreeze()
        catch_up_schema()
        one_day(n)

        def on_checkout(dbapi_conn, record, proxy):
            if not record.info.get("explain"):
                dbapi_conn.add_notice_handler(lambda diag: sink.write(f"{diag.message_primary}\n\n"))
                with dbapi_conn.cursor() as cur:
                    for setting in ("LOAD 'auto_explain'", "SET auto_explain.log_min_duration = '1s'",
                                    "SET auto_explain.log_analyze = on", "SET auto_explain.log_buffers = on",
                                    "SET auto_explain.log_timing = off", "SET auto_explain.log_level = notice",
                                    "SET client_min_messages = notice"):
                        cur.execute(setting)
                dbapi_conn.commit()
                record.info["explain"] = True

        event.listen(db.engine, "checkout", on_checkout)
        db.session.remove()
        db.engine.dispose()
        row = build.run()
        sink.write(f"run: {row.timings}\n")
