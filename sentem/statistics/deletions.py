"""Deleted orders and logins, made visible to the next run (the privacy core's erasures port).

An order or a login deleted by its retention period (5 years) or with a withdrawal leaves no
``updated_at`` for ``changes`` to find, yet it changes a member's orders, categories or last
visit and (an order) its day's sales. ``record``, installed as a watcher of
``privacy.erasures``, writes in the deleting transaction:

- the KST day of each deleted paid order (``StatGoneDay``);
- the pseudonym, under the current key, of each member concerned who is still active
  (``StatGoneMember``) — no member id in a statistics table, and the key is shredded by the
  next run, which deletes the row anyway. A member who is leaving is not marked: they are no
  longer counted, and their profile goes with them.

A run copies the rows it reads into its staging (``stage``), recomputes those members' facts
and those days' sales, and deletes exactly the rows it read (``clear``): a row written while it
runs is left for the next one.

A member marker must be made under the key the next run reads as "previous". A run locks the
lease row for its whole transaction (``lock_for_run``), and on PostgreSQL also an advisory lock
in the key store's transaction; ``record`` takes both shared before it reads the key, so a
deletion during a run waits for both of the run's commits (the shop's database and the key
store commit one after the other, in no fixed order) and takes its new key. A marker under any other key (a restored database, say) cannot be read: that run
recomputes everything (``stage`` says so).
"""
from __future__ import annotations

from sqlalchemy import delete, exists, func, insert, select, update

from .. import clock
from ..extensions import db
from ..privacy import erasures, members
from ..security.keystore import DataKey
from . import pseudonyms, staging
from .models import StatGoneDay, StatGoneMember, StatLease

GONE, GONE_DAYS = staging.GONE, staging.GONE_DAYS
_KEY_LOCK = 0x53544154  # the key store's advisory lock id held by a run making its key ("STAT")


def install(app) -> None:
    """Hear every deletion of orders and logins (``statistics.init_app``)."""
    erasures.watch(app, record)


def record(record_class: str, member_ids: list, dated: list) -> None:
    """Mark the days of the deleted paid orders and the active members concerned (no commit)."""
    days = sorted({clock.to_kst(clock.as_utc(t)).date() for t in dated if t is not None})
    if days:
        db.session.execute(insert(StatGoneDay), [{"day": d} for d in days])
    ids = sorted({int(m) for m in member_ids if m is not None})
    active = sorted(members.active_ids(ids)) if ids else []
    if not active:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        # Wait for a run building now (it holds the lease row): its new key is the one to use.
        db.session.execute(select(StatLease.id).where(StatLease.id == 1).with_for_update(read=True))
        _key_store_lock(func.pg_advisory_xact_lock_shared)
    found = pseudonyms.current()
    if found is None:
        return  # no run has finished: the first one recomputes everything
    key_id, raw = found
    db.session.execute(insert(StatGoneMember), [
        {"key_id": key_id, "pseudonym": pseudonyms.pseudonym(raw, m)} for m in active])


def lock_for_run() -> None:
    """Hold the lease row for the run's transaction: deletions wait to mark members (see the module)."""
    db.session.execute(update(StatLease).where(StatLease.id == 1).values(run_id=StatLease.run_id))
    if db.session.get_bind().dialect.name == "postgresql":
        _key_store_lock(func.pg_advisory_xact_lock)


def _key_store_lock(lock) -> None:
    # In the key store's own transaction: released only when the key store commits.
    db.session.execute(select(lock(_KEY_LOCK)), bind_arguments={"mapper": DataKey.__mapper__})


def stage(previous_key_id: int | None) -> bool:
    """Copy the marks into the run's staging; returns whether one is under a key other than
    ``previous_key_id`` (then the run must recompute everything)."""
    db.session.execute(insert(GONE).from_select(
        ["id", "key_id", "pseudonym"], select(StatGoneMember.id, StatGoneMember.key_id, StatGoneMember.pseudonym)))
    db.session.execute(insert(GONE_DAYS).from_select(["id", "day"], select(StatGoneDay.id, StatGoneDay.day)))
    other = GONE.c.key_id != previous_key_id if previous_key_id is not None else GONE.c.key_id.is_not(None)
    return bool(db.session.execute(select(exists().where(other))).scalar())


def clear() -> None:
    """Delete the marks this run read (and recomputed)."""
    db.session.execute(delete(StatGoneMember).where(StatGoneMember.id.in_(select(GONE.c.id))))
    db.session.execute(delete(StatGoneDay).where(StatGoneDay.id.in_(select(GONE_DAYS.c.id))))

