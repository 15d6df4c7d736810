"""Carrying out withdrawal duties: archive move, destruction, crypto-shredding.

Order, per batch of duties (each step its own transaction, each committed before
the next starts):

1. the archive move: every ``on_withdrawal="archive"`` class's ``collect_archive``,
   sealed under the archive key of the retain-until day, inserted and committed in
   the **archive** database first (rows carry ``source="w<duty id>"``, unique with
   their position, which makes the move idempotent);
2. in the main database: ledger rows for the move, the archive-day duties, the
   duty's step → ``archived``; commit;
3. every class's ``destroy(member_id)`` (member profile last) with its ledger rows,
   step → ``destroyed``; commit;
4. the member's data key shredded in the key store; commit; then the ledger row and
   the duty done; commit.

A crash between any two commits leaves a step that the next run finds and finishes;
the archive database down stops the batch before anything is deleted. Each step is
claimed by a compare-and-set on the duty (``UPDATE … WHERE id = :id AND step =
:expected``) in the transaction that does the step's work, so even two sweeps that
both got past the lease cannot count a move, destroy a member or finish a duty twice.
"""
from __future__ import annotations

import datetime as _dt
import json
import logging

from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ... import clock
from ...extensions import db
from ...security import datakeys
from .. import members
from ..registry import REGISTRY
from . import faults, ledger, services
from .models import STEP_ARCHIVED, STEP_DESTROYED, STEP_PENDING, WITHDRAWAL, ArchivedRecord, Duty

log = logging.getLogger("sentem.retention")
PROFILE = "member_profile"


def _destroy_order():
    # Profile last: the member row goes only after everything that points at it.
    classes = [rc for rc in REGISTRY.ordered_record_classes()
               if rc.on_withdrawal in ("destroy", "archive") and rc.destroy]
    return sorted(classes, key=lambda rc: (rc.key == PROFILE, -rc.order, rc.key))


def due_batch(as_of: _dt.datetime, after_id: int, limit: int) -> list[Duty]:
    """Withdrawal duties due by ``as_of`` (pending or waiting on an obligation), keyset by id."""
    return list(db.session.execute(
        select(Duty).where(Duty.kind == WITHDRAWAL, Duty.status.in_(("pending", "held")),
                           Duty.due_at <= as_of, Duty.id > after_id)
        .order_by(Duty.id).limit(limit)).scalars())


def _blocked(duty: Duty) -> str | None:
    member_id = int(duty.subject_ref)
    manual = services.is_held("member", duty.subject_ref)
    if manual:
        return manual
    reasons = REGISTRY.open_obligations(member_id)
    return ("미결 의무: " + "; ".join(reasons))[:200] if reasons else None


def run_batch(duties: list[Duty], summary: ledger.Summary, as_of: _dt.datetime, job: str,
              *, force: bool = False) -> None:
    """Carry a batch of withdrawal duties as far as they go (see the module docstring).

    ``force`` (a restore replaying destructions already done once): no hold or open
    obligation stops them — those were settled when the member was first destroyed.
    """
    ready = []
    for duty in duties:
        reason = None if force else _blocked(duty)
        if reason:
            if not summary.dry_run and (duty.status != "held" or duty.hold_reason != reason):
                duty.status, duty.hold_reason = "held", reason
            summary.duties_held += 1
            continue
        if duty.status == "held" and not summary.dry_run:
            duty.status, duty.hold_reason = "pending", None
        ready.append(duty)
    if not summary.dry_run:
        db.session.commit()
    if not ready:
        return
    if summary.dry_run:
        _dry_run(ready, summary, as_of)
        return
    ids = [d.id for d in ready]
    try:
        _archive_step([d for d in ready if d.step == STEP_PENDING], summary, as_of, job)
    except Exception as exc:  # archive unreachable or a feature's collector failed: delete nothing
        db.session.rollback()
        _fail(ids, "archive", exc, summary)
        return
    try:
        _destroy_step([d for d in ready if d.step == STEP_ARCHIVED], summary, job)
    except Exception as exc:
        db.session.rollback()
        _fail(ids, "destroy", exc, summary)
        return
    _shred_step([d for d in ready if d.step == STEP_DESTROYED], summary, job)


def _fail(ids: list[int], step: str, exc: Exception, summary: ledger.Summary) -> None:
    log.warning("retention: withdrawal batch stopped at %s: %s", step, type(exc).__name__)
    summary.errors.append(f"{step}: {type(exc).__name__}")
    for duty in db.session.execute(select(Duty).where(Duty.id.in_(ids))).scalars():
        duty.attempts += 1
        duty.last_error = f"{step}: {type(exc).__name__}"[:200]
    db.session.commit()


def _collect(duty: Duty, as_of: _dt.datetime) -> list[tuple]:
    """(item, record class, retain-until) of what must go to the archive for this member."""
    out = []
    for rc in REGISTRY.ordered_record_classes():
        if rc.on_withdrawal != "archive" or rc.collect_archive is None:
            continue
        for item in rc.collect_archive(int(duty.subject_ref)):
            item_rc = REGISTRY.record_classes.get(item.record_class, rc)
            until = item_rc.retention.until(clock.as_utc(item.occurred_at))
            if until is None:
                continue
            if until <= as_of and not services.is_held(item.record_class, item.order_no or ""):
                continue  # its period is already over (and no dispute holds it): destroyed, not archived
            out.append((item, item_rc, until))
    return out


def _archive_step(duties: list[Duty], summary: ledger.Summary, as_of: _dt.datetime, job: str) -> None:
    if not duties:
        return
    sources = {f"w{d.id}": d for d in duties}
    # Which moves already committed in the archive (a crash after step 1): count them, don't redo.
    done = dict(db.session.execute(
        select(ArchivedRecord.source, func.count(ArchivedRecord.id))
        .where(ArchivedRecord.source.in_(list(sources))).group_by(ArchivedRecord.source)).all())
    moved: dict[str, list[tuple]] = {}
    for source, duty in sources.items():
        if source not in done:
            moved[source] = _collect(duty, as_of)
    days = {services.day_of(until) for items in moved.values() for _, _, until in items}
    keys = {d: datakeys.archive_key(d) for d in sorted(days)}
    db.session.commit()  # day keys exist in the key store before anything is sealed under them
    rows = []
    for source, items in moved.items():
        for seq, (item, rc, until) in enumerate(items):
            key_id = keys[services.day_of(until)]
            row = ArchivedRecord(record_class=item.record_class, order_no=item.order_no, source=source,
                                 seq=seq, key_id=key_id, legal_basis_ko=rc.legal_basis_ko[:200],
                                 legal_basis_en=rc.legal_basis_en[:200],
                                 occurred_at=clock.as_utc(item.occurred_at), retain_until=until,
                                 archived_at=clock.now(), hold_reason=services.is_held(item.record_class,
                                                                                     item.order_no or ""))
            row.payload_ct = datakeys.seal(key_id, json.dumps(item.payload, ensure_ascii=False, default=str),
                                           context=f"archive:{item.record_class}")
            rows.append(row)
    db.session.add_all(rows)
    # Touch the archive even with nothing to move: an unreachable archive stops the batch here.
    db.session.execute(select(func.count(ArchivedRecord.id)).where(ArchivedRecord.id < 0))
    db.session.commit()  # (1) the archive commits first
    faults.point("after_archive_commit")
    # (2) main: ledger and step, for moves made now and moves found committed by a crashed run
    counts: dict[str, int] = {}
    for source, duty in sources.items():
        if not _advance(duty, STEP_PENDING, step=STEP_ARCHIVED):
            continue  # another sweep recorded this move
        if source in moved:
            for item, _, until in moved[source]:
                counts[item.record_class] = counts.get(item.record_class, 0) + 1
                services.ensure_archive_duty(services.day_of(until), until)
        else:
            for rc_key, n in db.session.execute(
                    select(ArchivedRecord.record_class, func.count(ArchivedRecord.id))
                    .where(ArchivedRecord.source == source).group_by(ArchivedRecord.record_class)).all():
                counts[rc_key] = counts.get(rc_key, 0) + n
            for until in db.session.execute(select(ArchivedRecord.retain_until).where(
                    ArchivedRecord.source == source).distinct()).scalars():
                until = clock.as_utc(until)
                services.ensure_archive_duty(services.day_of(until), until)
    for rc_key, n in counts.items():
        ledger.add(summary, rc_key, "archive_move", n, job)
    db.session.commit()


def _destroy_step(duties: list[Duty], summary: ledger.Summary, job: str) -> None:
    if not duties:
        return
    counts: dict[str, int] = {}
    for duty in duties:
        if not _advance(duty, STEP_ARCHIVED, step=STEP_DESTROYED):
            continue  # another sweep destroyed this member's rows
        if duty.key_id is None:  # scheduled before the member row was readable: take it now
            duty.key_id = members.data_key_id(int(duty.subject_ref))
        for rc in _destroy_order():
            n = rc.destroy(int(duty.subject_ref)) or 0
            counts[rc.key] = counts.get(rc.key, 0) + n
    for rc_key, n in counts.items():
        ledger.add(summary, rc_key, "destroy", n, job)
    db.session.commit()  # (3) the member's rows are gone from the main database
    faults.point("after_destroy_commit")


def _shred_step(duties: list[Duty], summary: ledger.Summary, job: str) -> None:
    if not duties:
        return
    for duty in duties:
        if duty.key_id is not None:
            datakeys.shred(duty.key_id, deadline=duty.deadline_at)
    db.session.commit()  # (4) the keys are gone
    faults.point("after_shred_commit")
    finished = [d for d in duties if _advance(d, STEP_DESTROYED, step=STEP_DESTROYED, status="done",
                                              done_at=clock.now(), last_error=None)]
    ledger.add(summary, "member", "key_shred", sum(1 for d in finished if d.key_id is not None), job)
    summary.duties_done += len(finished)
    db.session.commit()


def _advance(duty: Duty, expected_step: str, **values) -> bool:
    """Claim a withdrawal duty's next step (no commit): ``UPDATE … WHERE step = :expected AND
    status <> 'done'``. False when another sweep took the step first; nothing is written then."""
    won = db.session.execute(
        update(Duty).where(Duty.id == duty.id, Duty.step == expected_step, Duty.status != "done")
        .values(updated_at=clock.now(), **values).execution_options(synchronize_session=False)).rowcount
    if won == 1:
        for key, value in values.items():
            set_committed_value(duty, key, value)
    return won == 1


def _dry_run(duties: list[Duty], summary: ledger.Summary, as_of: _dt.datetime) -> None:
    for duty in duties:
        if duty.step == STEP_PENDING:
            for item, _, _ in _collect(duty, as_of):
                summary.counts[(item.record_class, "archive_move")] += 1
        if duty.step in (STEP_PENDING, STEP_ARCHIVED):
            nested = db.session.begin_nested()
            try:
                for rc in _destroy_order():
                    summary.counts[(rc.key, "destroy")] += rc.destroy(int(duty.subject_ref)) or 0
            finally:
                nested.rollback()
        if duty.key_id is not None:
            summary.counts[("member", "key_shred")] += 1
    summary.counts += type(summary.counts)()  # drop zero counts
