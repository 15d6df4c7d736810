"""After a sweep that destroyed anything: make the deleted bytes unrecoverable.

* SQLite runs with ``secure_delete`` (``sentem/web/sqlite.py``): deleted cells and
  freed pages are zeroed as they are freed. Here we also checkpoint and truncate the
  write-ahead log when WAL is on, so no old page survives in ``-wal``.
* PostgreSQL: a plain ``VACUUM`` only marks dead tuples reusable — their bytes stay
  in the table's pages. ``VACUUM FULL`` rewrites each table that held destroyed rows
  (and its indexes and TOAST) into new files and unlinks the old ones, then a
  ``CHECKPOINT`` flushes. A ``pg_dump`` never contains deleted rows; after this the
  live data files don't either. WAL segments keep history until recycled — only
  ciphertext under shredded keys and the wrapped keys themselves; run PostgreSQL
  without WAL archiving of the key store, or with an archive retention under 5 days.

Tables are found by watching the DELETE statements the sweep sends, so the engine
needs no list of feature tables.
"""
from __future__ import annotations

import contextlib
import logging
import re

from sqlalchemy import event, text

from ...extensions import db

log = logging.getLogger("sentem.retention")
_DELETE = re.compile(r'^\s*DELETE\s+FROM\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)


@contextlib.contextmanager
def watch_deletes():
    """Collect ``{bind: {table, ...}}`` of every DELETE sent while the block runs."""
    seen: dict = {}
    listeners = []
    for bind, engine in db.engines.items():
        def on_execute(conn, cursor, statement, parameters, context, executemany, _bind=bind):
            m = _DELETE.match(statement)
            if m:
                seen.setdefault(_bind, set()).add(m.group(1))
        event.listen(engine, "before_cursor_execute", on_execute)
        listeners.append((engine, on_execute))
    try:
        yield seen
    finally:
        for engine, fn in listeners:
            event.remove(engine, "before_cursor_execute", fn)


def scrub(tables: dict) -> list[str]:
    """Reclaim and zero what the sweep deleted; returns what was done (for the summary)."""
    db.session.commit()  # end every session transaction: VACUUM FULL needs the tables unlocked
    done = []
    for bind, engine in db.engines.items():
        names = sorted(tables.get(bind, ()))
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                mode = conn.execute(text("PRAGMA journal_mode")).scalar()
                if str(mode).lower() == "wal":
                    conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
                    done.append(f"{bind or 'main'}: wal_checkpoint(TRUNCATE)")
        elif engine.dialect.name == "postgresql" and names:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for name in names:
                    conn.execute(text(f'VACUUM (FULL, ANALYZE) "{name}"'))
                try:
                    conn.execute(text("CHECKPOINT"))
                except Exception:  # needs pg_checkpoint; the vacuum itself is what matters
                    log.info("retention scrub: CHECKPOINT not permitted")
            done.append(f"{bind or 'main'}: VACUUM FULL {', '.join(names)}")
    for line in done:
        log.info("retention scrub: %s", line)
    return done
