"""Retention services: schedule duties, holds, and what is due or overdue.

The sweep itself lives in ``sweep.py``; these functions are small and callable from
a request, a job or the CLI.
"""
from __future__ import annotations

import datetime as _dt

from flask import current_app
from sqlalchemy import event, func, select, text

from ... import clock
from ...extensions import db
from ...jobs.once import enqueue_once
from ...security import epochs
from .. import members
from ..registry import DESTRUCTION_DEADLINE_DAYS, REGISTRY
from .models import ARCHIVE_EXPIRY, WITHDRAWAL, ArchivedRecord, Duty, RetentionHold

DEADLINE = _dt.timedelta(days=DESTRUCTION_DEADLINE_DAYS)
EARLY_SWEEP = "retention-early-sweep"  # the RQ job id of the sweep a withdrawal asks for


def schedule_withdrawal(member_id: int, *, at: _dt.datetime | None = None) -> Duty:
    """Create the durable duty for a withdrawal (flushed, not committed).

    The caller's withdrawal transaction commits it, so a withdrawal and its duty are
    one unit: Redis being down changes nothing. Calling twice returns the same duty.
    """
    existing = db.session.execute(select(Duty).filter_by(
        kind=WITHDRAWAL, record_class="member", subject_ref=str(member_id))).scalar_one_or_none()
    if existing is not None:
        return existing
    due = at or clock.now()
    duty = Duty(kind=WITHDRAWAL, record_class="member", subject_ref=str(member_id),
                key_id=members.data_key_id(member_id), due_at=due, deadline_at=due + DEADLINE,
                status="pending", created_at=clock.now(), updated_at=clock.now())
    db.session.add(duty)
    db.session.flush()
    _kick()
    return duty


def _kick() -> None:
    # Best effort, once the caller's transaction has committed: ask the queue for an
    # early sweep. The duty row is what counts; Redis being down changes nothing.
    if not current_app.config.get("SENTEM_REDIS_URL"):
        return  # the in-process scheduler picks it up within the hour
    app = current_app._get_current_object()

    def after_commit(_session):
        try:
            from .jobs import sweep_job  # the sweep imports this module

            with app.app_context():
                enqueue_once(sweep_job, EARLY_SWEEP)  # one queued sweep serves every withdrawal meanwhile
        except Exception:  # noqa: BLE001 - the next scheduled sweep does it
            pass

    event.listen(db.session(), "after_commit", after_commit, once=True)


def ensure_archive_duty(day: str, due_at: _dt.datetime) -> Duty:
    """The archive-expiry duty of retain-until day ``day``, due at its earliest retain-until."""
    duty = db.session.execute(select(Duty).filter_by(
        kind=ARCHIVE_EXPIRY, record_class="archive", subject_ref=day)).scalar_one_or_none()
    if duty is None:
        duty = Duty(kind=ARCHIVE_EXPIRY, record_class="archive", subject_ref=day, due_at=due_at,
                    deadline_at=due_at + DEADLINE, status="pending",
                    created_at=clock.now(), updated_at=clock.now())
        db.session.add(duty)
    elif duty.status == "done":  # a day reopened by a late arrival (under a new key)
        duty.status, duty.done_at, duty.step = "pending", None, "pending"
        duty.due_at = clock.as_utc(due_at)
    elif clock.as_utc(due_at) < duty.due_at:
        duty.due_at = clock.as_utc(due_at)
    duty.deadline_at = duty.due_at + DEADLINE
    db.session.flush()
    return duty


def active_holds(record_class: str | None = None) -> list[RetentionHold]:
    """Holds in force (disputes), optionally of one record class."""
    q = select(RetentionHold).where(RetentionHold.released_at.is_(None))
    if record_class:
        q = q.where(RetentionHold.record_class == record_class)
    return list(db.session.execute(q.order_by(RetentionHold.placed_at)).scalars())


def is_held(record_class: str, ref: str) -> str | None:
    """The hold reason when ``ref`` is held on ``record_class`` or another class of its order
    (``order_family``), else None."""
    return db.session.execute(select(RetentionHold.reason).where(
        RetentionHold.record_class.in_(sorted(order_family(record_class))), RetentionHold.ref == str(ref),
        RetentionHold.released_at.is_(None))).scalars().first()


def order_family(key: str) -> set[str]:
    """``key`` and every record class linked to it through ``cascades`` (either way)."""
    links: dict[str, set[str]] = {}
    for rc in REGISTRY.ordered_record_classes():
        for other in rc.cascades:
            links.setdefault(rc.key, set()).add(other)
            links.setdefault(other, set()).add(rc.key)
    family, todo = {key}, [key]
    while todo:
        for other in links.get(todo.pop(), ()):
            if other not in family:
                family.add(other)
                todo.append(other)
    return family


def place_hold(record_class: str, ref: str, reason: str, *, staff_id: int | None = None) -> RetentionHold:
    """Hold a record under an open dispute. Commits.

    ``ref`` is an order number for a ``holdable`` record class (see ``registry.RecordClass``),
    or a member id for ``record_class="member"`` (the withdrawal duty). Records of that
    class with that order number, and of every class of the same order (``order_family``),
    stop expiring, in the main database and in the archive; a matching duty shows as held.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("보류 사유를 입력하세요.")
    rc = REGISTRY.record_classes.get(record_class)
    if record_class != "member" and (rc is None or not rc.holdable):
        raise ValueError("주문번호로 보류할 수 있는 기록 구분이 아닙니다.")
    ref = str(ref).strip()
    if not ref:
        raise ValueError("보류할 기록의 번호를 입력하세요.")
    hold = RetentionHold(record_class=record_class, ref=ref, reason=reason[:200], placed_by=staff_id,
                         placed_at=clock.now())
    db.session.add(hold)
    _apply_to_archive(record_class, ref, reason[:200])
    for duty in db.session.execute(select(Duty).where(Duty.subject_ref == ref, Duty.status == "pending",
                                                      Duty.record_class.in_((record_class, "member")))).scalars():
        if duty.record_class == record_class:
            duty.status, duty.hold_reason = "held", reason[:200]
    db.session.commit()
    return hold


def release_hold(hold_id: int, *, staff_id: int | None = None) -> RetentionHold | None:
    """Release a hold; the record expires on the next sweep if its period has ended. Commits."""
    hold = db.session.get(RetentionHold, hold_id)
    if hold is None or hold.released_at is not None:
        return hold
    hold.released_at, hold.released_by = clock.now(), staff_id
    db.session.flush()
    if not is_held(hold.record_class, hold.ref):
        _apply_to_archive(hold.record_class, hold.ref, None)
        for duty in db.session.execute(select(Duty).filter_by(record_class=hold.record_class,
                                                              subject_ref=hold.ref, status="held")).scalars():
            duty.status, duty.hold_reason = "pending", None
    db.session.commit()
    return hold


def _apply_to_archive(record_class: str, ref: str, reason: str | None) -> None:
    db.session.execute(ArchivedRecord.__table__.update()
                       .where(ArchivedRecord.record_class.in_(sorted(order_family(record_class))),
                              ArchivedRecord.order_no == ref)
                       .values(hold_reason=reason))


def overdue(as_of: _dt.datetime | None = None, limit: int = 50) -> list[Duty]:
    """Duties past their deadline and not done (held duties are not overdue: the hold is visible)."""
    now = as_of or clock.now()
    return list(db.session.execute(select(Duty).where(Duty.status == "pending", Duty.deadline_at < now)
                                   .order_by(Duty.deadline_at).limit(limit)).scalars())


def overdue_count(as_of: _dt.datetime | None = None) -> int:
    """How many duties are past their deadline (health check, admin banner)."""
    now = as_of or clock.now()
    return db.session.execute(select(func.count(Duty.id)).where(
        Duty.status == "pending", Duty.deadline_at < now)).scalar_one()


def upcoming(limit: int = 50) -> list[Duty]:
    """Pending duties, soonest first."""
    return list(db.session.execute(select(Duty).where(Duty.status == "pending")
                                   .order_by(Duty.due_at, Duty.id).limit(limit)).scalars())


def held(limit: int = 200) -> list[Duty]:
    """Duties waiting on a hold (dispute or open obligation), with their reasons."""
    return list(db.session.execute(select(Duty).where(Duty.status == "held")
                                   .order_by(Duty.due_at).limit(limit)).scalars())


def overdue_banner() -> str | None:
    """Korean banner text for the staff area when any duty is past its deadline, else None."""
    try:
        n = overdue_count()
    except Exception:  # the banner must never break a page
        return None
    if not n:
        return None
    return f"파기 기한을 넘긴 보존 의무가 {n}건 있습니다. 즉시 'flask retention run'을 실행하거나 작업자 상태를 확인하세요."


def health_check() -> tuple[bool, str]:
    """Health: fails while any duty is past its deadline, or an old epoch root outlives its
    erase time by a day (the sweep that erases it has not run)."""
    n = overdue_count()
    late = epochs.late_roots(clock.now())
    if n == 0 and not late:
        return True, "ok"
    parts = [f"{n} duty(ies) past deadline"] if n else []
    if late:
        parts.append(f"epoch root(s) {', '.join(f'r{e}' for e in late)} not erased on time")
    return False, "; ".join(parts)


def day_of(when: _dt.datetime) -> str:
    """The archive day (KST) of a retain-until instant: records of one day share a key."""
    return clock.to_kst(when).strftime("%Y-%m-%d")


def db_is_postgres(bind: str | None = None) -> bool:
    return db.engines[bind].dialect.name == "postgresql"


def ping(bind: str) -> None:
    """Raise when a database cannot be reached."""
    with db.engines[bind].connect() as conn:
        conn.execute(text("SELECT 1"))
