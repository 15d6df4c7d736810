"""After a sweep that destroyed anything: make the deleted bytes unrecoverable.

* SQLite runs with ``secure_delete`` (``sentem/web/sqlite.py``): deleted cells and
  freed pages are zeroed as they are freed. Here we also checkpoint and truncate the
  write-ahead log when WAL is on, so no old page survives in ``-wal``.
* PostgreSQL: a plain ``VACUUM`` only marks dead tuples reusable — their bytes stay
  in the table's pages. ``VACUUM FULL`` rewrites each table that held destroyed rows
  (and its indexes and TOAST) into new files and unlinks the old ones, then a
  ``CHECKPOINT`` flushes. A ``pg_dump`` never contains deleted rows; after this the
  live data files don't either. WAL segments (and WAL archives, replicas, base
  backups) keep history for as long as they are kept — only ciphertext under shredded
  keys and wrapped keys whose epoch root is erased within the deadline
  (``security/epochs.py``), so nothing in them opens. Secret columns keep no planner
  statistics (``security/nostats.py``), so ``VACUUM (FULL, ANALYZE)`` copies none.

Tables are found by watching the DELETE statements the sweep sends — also a DELETE
inside a ``WITH … AS (DELETE …)`` (the archive's expiry on PostgreSQL) — and by
following foreign keys declared ``ON DELETE CASCADE``/``SET NULL`` from those tables,
whose rows the database changes without a statement of ours; so the engine needs no
list of feature tables.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import re

from sqlalchemy import event, text

from ... import clock
from ...extensions import db

log = logging.getLogger("sentem.retention")
LOCK_TIMEOUT = "5s"
WINDOW_HOUR_KST = 3
_DELETE = re.compile(r'\bDELETE\s+FROM\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)


@contextlib.contextmanager
def watch_deletes():
    """Collect ``{bind: {table, ...}}`` of every DELETE sent while the block runs."""
    seen: dict = {}
    listeners = []
    for bind, engine in db.engines.items():
        def on_execute(conn, cursor, statement, parameters, context, executemany, _bind=bind):
            for m in _DELETE.finditer(statement):
                seen.setdefault(_bind, set()).add(m.group(1))
        event.listen(engine, "before_cursor_execute", on_execute)
        listeners.append((engine, on_execute))
    try:
        yield seen
    finally:
        for engine, fn in listeners:
            event.remove(engine, "before_cursor_execute", fn)
        for bind, names in seen.items():
            names.update(_cascaded(bind, names))


def _cascaded(bind, names: set) -> set:
    """Tables whose rows a delete from ``names`` changes through ON DELETE CASCADE / SET NULL."""
    found, frontier = set(), set(names)
    tables = db.metadatas[bind].tables.values() if bind in db.metadatas else ()
    while frontier:
        nxt = set()
        for table in tables:
            for fk in table.foreign_keys:
                if (fk.ondelete or "").upper() in ("CASCADE", "SET NULL") and fk.column.table.name in frontier \
                        and table.name not in names and table.name not in found:
                    nxt.add(table.name)
        found |= nxt
        frontier = nxt
    return found


def scrub(tables: dict, now: bool = True) -> list[str]:
    """Reclaim and zero what the sweep deleted; returns what was done (for the summary).

    PostgreSQL tables that held destroyed rows become durable ``scrub`` duties first.
    With ``now`` their ``VACUUM FULL`` runs at once — each waits at most
    ``LOCK_TIMEOUT`` for its table lock, so a busy table never stalls the shop, and a
    table it could not take stays a duty for the next sweep. Without ``now`` (an
    hourly job outside the nightly window) they wait for the window: ``VACUUM FULL``
    rewrites a whole table under an exclusive lock, which is a job for 03:00 KST,
    well inside the five days.
    """
    db.session.commit()  # end every session transaction: VACUUM FULL needs the tables unlocked
    done = []
    for bind, engine in db.engines.items():
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                mode = conn.execute(text("PRAGMA journal_mode")).scalar()
                if str(mode).lower() == "wal":
                    conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
                    done.append(f"{bind or 'main'}: wal_checkpoint(TRUNCATE)")
    _record([(bind or "main", name) for bind, names in tables.items() for name in sorted(names)
             if db.engines[bind].dialect.name == "postgresql"])
    duties = [(d.id, None if d.record_class == "main" else d.record_class, d.subject_ref) for d in _scrub_duties()]
    if not duties:
        return done
    if not now:
        done.append(f"VACUUM FULL of {len(duties)} table(s) waits for the nightly window (durable duty)")
        return done
    by_bind: dict = {}
    for duty_id, bind, name in duties:
        by_bind.setdefault(bind, []).append((duty_id, name))
    for bind, group in by_bind.items():
        # No transaction of ours stays open while a table is rewritten: reading the duties
        # locks their own table, which then could never be vacuumed (it waited, and stayed due).
        db.session.commit()
        vacuumed, deferred = [], {}
        with db.engines[bind].connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"SET lock_timeout = '{LOCK_TIMEOUT}'"))
            for duty_id, name in group:
                try:
                    conn.execute(text(f'VACUUM (FULL, ANALYZE) "{name}"'))
                except Exception as exc:  # lock not granted in time: the duty stays for the next sweep
                    if "does not exist" not in str(exc):
                        deferred[duty_id] = f"VACUUM FULL: {type(exc).__name__}"
                        done.append(f"{bind or 'main'}: VACUUM FULL {name} deferred (table busy)")
                        continue
                vacuumed.append((duty_id, name))
            try:
                conn.execute(text("CHECKPOINT"))
            except Exception:  # needs pg_checkpoint; the vacuum itself is what matters
                log.info("retention scrub: CHECKPOINT not permitted")
        _settle(vacuumed, deferred)
        if vacuumed:
            done.append(f"{bind or 'main'}: VACUUM FULL {', '.join(name for _, name in vacuumed)}")
    for line in done:
        log.info("retention scrub: %s", line)
    return done


def _settle(vacuumed: list[tuple[int, str]], deferred: dict[int, str]) -> None:
    """The duties of one database's tables: done, or tried once more (committed)."""
    from .models import Duty

    for duty_id, _ in vacuumed:
        duty = db.session.get(Duty, duty_id)
        duty.status, duty.done_at, duty.last_error = "done", clock.now(), None
    for duty_id, error in deferred.items():
        duty = db.session.get(Duty, duty_id)
        duty.attempts += 1
        duty.last_error = error
    db.session.commit()


def _scrub_duties():
    from sqlalchemy import select

    from .models import SCRUB, Duty

    return db.session.execute(select(Duty).where(Duty.kind == SCRUB, Duty.status == "pending")
                              .order_by(Duty.id)).scalars().all()


def _record(tables) -> None:
    """Each (bind, table) to vacuum becomes (or stays) a pending ``scrub`` duty."""
    from sqlalchemy import select

    from .models import SCRUB, Duty
    from .services import DEADLINE

    for bind, name in tables:
        duty = db.session.execute(select(Duty).filter_by(kind=SCRUB, record_class=bind, subject_ref=name)).scalar()
        if duty is None:
            db.session.add(Duty(kind=SCRUB, record_class=bind, subject_ref=name, due_at=clock.now(),
                                deadline_at=clock.now() + DEADLINE, status="pending",
                                created_at=clock.now(), updated_at=clock.now()))
        elif duty.status == "done":  # destroyed again since: due again (the deadline runs from now)
            duty.status, duty.done_at, duty.due_at = "pending", None, clock.now()
            duty.deadline_at = duty.due_at + DEADLINE
    db.session.commit()


def pending() -> bool:
    """Whether a scrub is waiting (deferred or outside the window)."""
    return bool(_scrub_duties())


def in_window() -> bool:
    """The nightly window (03:00–03:59 KST), or a scrub duty waiting for more than a day."""
    if clock.to_kst(clock.now()).hour == WINDOW_HOUR_KST:
        return True
    oldest = _scrub_duties()
    return bool(oldest) and clock.now() - oldest[0].due_at > _dt.timedelta(hours=20)
