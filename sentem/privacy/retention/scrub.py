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
LOCK_TIMEOUT = "5s"
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
    """Reclaim and zero what the sweep deleted; returns what was done (for the summary).

    On PostgreSQL each ``VACUUM FULL`` waits at most ``LOCK_TIMEOUT`` for its table
    lock, so a busy table never stalls the shop; a table it could not take is kept as
    a durable ``scrub`` duty and retried by the next sweep.
    """
    db.session.commit()  # end every session transaction: VACUUM FULL needs the tables unlocked
    tables = {bind: set(names) for bind, names in tables.items()}
    for duty in _scrub_duties():
        bind = None if duty.record_class == "main" else duty.record_class
        tables.setdefault(bind, set()).add(duty.subject_ref)
    done, deferred = [], []
    for bind, engine in db.engines.items():
        names = sorted(tables.get(bind, ()))
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                mode = conn.execute(text("PRAGMA journal_mode")).scalar()
                if str(mode).lower() == "wal":
                    conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
                    done.append(f"{bind or 'main'}: wal_checkpoint(TRUNCATE)")
        elif engine.dialect.name == "postgresql" and names:
            vacuumed = []
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f"SET lock_timeout = '{LOCK_TIMEOUT}'"))
                for name in names:
                    try:
                        conn.execute(text(f'VACUUM (FULL, ANALYZE) "{name}"'))
                        vacuumed.append(name)
                    except Exception as exc:  # lock not granted in time (or table gone): retry later
                        if "does not exist" not in str(exc):
                            deferred.append((bind or "main", name))
                try:
                    conn.execute(text("CHECKPOINT"))
                except Exception:  # needs pg_checkpoint; the vacuum itself is what matters
                    log.info("retention scrub: CHECKPOINT not permitted")
            if vacuumed:
                done.append(f"{bind or 'main'}: VACUUM FULL {', '.join(vacuumed)}")
    _record_deferred(deferred)
    for line in done:
        log.info("retention scrub: %s", line)
    for bind, name in deferred:
        done.append(f"{bind}: VACUUM FULL {name} deferred (table busy), retried next sweep")
    return done


def _scrub_duties():
    from sqlalchemy import select

    from .models import SCRUB, Duty

    return db.session.execute(select(Duty).where(Duty.kind == SCRUB, Duty.status == "pending")).scalars().all()


def _record_deferred(deferred) -> None:
    from sqlalchemy import select

    from ... import clock
    from .models import SCRUB, Duty
    from .services import DEADLINE

    for duty in _scrub_duties():
        if (duty.record_class, duty.subject_ref) not in deferred:
            duty.status, duty.done_at = "done", clock.now()
    for bind, name in deferred:
        duty = db.session.execute(select(Duty).filter_by(kind=SCRUB, record_class=bind, subject_ref=name)).scalar()
        if duty is None:
            duty = Duty(kind=SCRUB, record_class=bind, subject_ref=name, due_at=clock.now(),
                        deadline_at=clock.now() + DEADLINE, status="pending",
                        created_at=clock.now(), updated_at=clock.now())
            db.session.add(duty)
        elif duty.status == "done":
            duty.status, duty.done_at, duty.due_at = "pending", None, clock.now()
            duty.deadline_at = duty.due_at + DEADLINE
        duty.attempts += 1
    db.session.commit()


def pending() -> bool:
    """Whether an earlier scrub was deferred."""
    return bool(_scrub_duties())
