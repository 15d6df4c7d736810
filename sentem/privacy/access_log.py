"""The staff access log (접속기록): append-only, hash-chained, kept 2 years.

Every staff view, unmasking, change or download of personal data is one row:
who (staff id), when, from where (source IP, sealed under the master key), whose
data (member id), what (action), why (reason) and a short detail. Each row carries
the hash of the previous row (``prev_hash``) and its own keyed hash (HMAC) over its
canonical content (``row_hash``), so editing or deleting a row breaks the chain and
``verify()`` names the first broken row. Because each row stores its predecessor's
hash, verification can start at any row — the retention expiry trims the oldest
rows and records the last trimmed hash as the new anchor.

Appends are serialised on a one-row chain head: ``SELECT … FOR UPDATE`` on
PostgreSQL, a process lock plus SQLite's single writer on SQLite.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import threading

from flask import current_app, has_request_context, request
from sqlalchemy import delete, event, select, update
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..security.fields import day_key_column, personal
from .deadlines import Retention


GENESIS = "0" * 64
TAIL_MISSING = -1  # verify(): rows after the last remaining one were removed
_sqlite_lock = threading.Lock()
# Kept at least 2 years (안전성 확보조치 기준 제8조). The IP is sealed under the master key
# and the key of the row's retain-until day, so older backups lose it on time too.
ACCESS_RETENTION = Retention(years=2, starts="event")


class AccessLogEntry(db.Model):
    """One access-log row. The application only ever inserts these."""

    __tablename__ = "staff_access_log"

    id = db.Column(db.Integer, primary_key=True)
    seq = db.Column(db.BigInteger, nullable=False, unique=True)  # gap-free position in the chain
    staff_id = db.Column(db.Integer, nullable=True, index=True)  # None: not a staff session
    at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    # The row hash covers ``ip_ct``, whose key id names the day key: ``day_key_id`` only indexes it.
    day_key_id = day_key_column(ACCESS_RETENTION)
    ip = personal("staff_access_ip", key="master",
                  expires=lambda e: ACCESS_RETENTION.until(clock.as_utc(e.at) or clock.now()))
    day_key_reseal = False  # append-only: a row still here when its day ends keeps the key alive
    member_id = db.Column(db.Integer, nullable=True, index=True)
    action = db.Column(db.String(40), nullable=False, index=True)
    reason = db.Column(db.String(500), nullable=True)
    detail = db.Column(db.String(1000), nullable=True)
    prev_hash = db.Column(db.String(64), nullable=False)
    row_hash = db.Column(db.String(64), nullable=False)


class AccessLogHead(db.Model):
    """The chain head (one row): last sequence and hash, and the anchor after trimming."""

    __tablename__ = "staff_access_log_head"

    id = db.Column(db.Integer, primary_key=True)
    last_seq = db.Column(db.BigInteger, nullable=False, default=0)
    last_hash = db.Column(db.String(64), nullable=False, default=GENESIS)
    # Hash of the last row removed by retention expiry: the first remaining row's prev_hash.
    anchor_seq = db.Column(db.BigInteger, nullable=False, default=0)
    anchor_hash = db.Column(db.String(64), nullable=False, default=GENESIS)


@event.listens_for(AccessLogEntry, "before_update")
def _refuse_update(mapper, connection, target):
    raise RuntimeError("the staff access log is append-only")


@event.listens_for(AccessLogEntry, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise RuntimeError("the staff access log is append-only (expiry uses expire())")


def canonical(entry: AccessLogEntry) -> str:
    """The content a row's hash covers: every stored field except id and row_hash."""
    at = clock.as_utc(entry.at)
    return json.dumps({
        "seq": int(entry.seq), "staff_id": entry.staff_id,
        "at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "ip_ct": entry.ip_ct,
        "member_id": entry.member_id, "action": entry.action, "reason": entry.reason,
        "detail": entry.detail, "prev_hash": entry.prev_hash,
    }, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _chain_key() -> bytes:
    """Keyed from the master key ring (stable across rotations), so someone with only the
    database cannot recompute a consistent chain after editing it."""
    ring = current_app.extensions["sentem_keyring"]
    return hmac.new(ring.index_key(), b"sentem access log chain v1", hashlib.sha256).digest()


def compute_hash(entry: AccessLogEntry) -> str:
    """HMAC-SHA256 of the row's canonical content under the chain key."""
    return hmac.new(_chain_key(), canonical(entry).encode("utf-8"), hashlib.sha256).hexdigest()


def ensure_head() -> None:
    """Create the chain head row if missing (idempotent; safe against a concurrent creator)."""
    if db.session.get(AccessLogHead, 1) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(AccessLogHead(id=1, last_seq=0, last_hash=GENESIS, anchor_seq=0,
                                         anchor_hash=GENESIS))
    except IntegrityError:
        pass  # another writer created it first


def _head(lock: bool) -> AccessLogHead:
    ensure_head()
    stmt = select(AccessLogHead).where(AccessLogHead.id == 1).execution_options(populate_existing=True)
    if lock:
        stmt = stmt.with_for_update()
        if _is_sqlite():
            # Take SQLite's write lock before reading, so two writers cannot read the same head.
            db.session.execute(update(AccessLogHead).where(AccessLogHead.id == 1)
                               .values(last_seq=AccessLogHead.last_seq))
    return db.session.execute(stmt).scalar_one()


def _is_sqlite() -> bool:
    return db.session.get_bind(mapper=AccessLogEntry).dialect.name == "sqlite"


def _request_ip() -> str | None:
    if not has_request_context():
        return None
    return request.remote_addr


def record(action: str, *, staff_id: int | None, member_id: int | None = None, reason: str | None = None,
           detail: str | None = None, ip: str | None = None) -> AccessLogEntry:
    """Append one row to the chain, in the caller's transaction (flushed, not committed).

    The source IP is taken from the request when there is one. In the admin area, a
    request that appended rows commits them after the view even if the view did not.
    """
    ip = ip or _request_ip()
    sqlite = _is_sqlite()
    if sqlite:
        _sqlite_lock.acquire()
    try:
        head = _head(lock=True)
        entry = AccessLogEntry(seq=head.last_seq + 1, staff_id=staff_id, at=clock.now(),
                               member_id=member_id, action=action[:40],
                               reason=(reason or None) and reason.strip()[:500],
                               detail=(detail or None) and str(detail)[:1000], prev_hash=head.last_hash)
        entry.ip = ip
        entry.row_hash = compute_hash(entry)
        db.session.add(entry)
        head.last_seq = entry.seq
        head.last_hash = entry.row_hash
        db.session.flush()
    finally:
        if sqlite:
            _sqlite_lock.release()
    if has_request_context():
        request._sentem_access_log_pending = True
    return entry


def verify(batch: int = 2000) -> int | None:
    """Walk the chain from the first remaining row. Returns the id of the first broken
    row, ``TAIL_MISSING`` (-1) when rows were removed after the last one, or None when intact."""
    broken = verify_detail(batch)
    return broken[0] if broken else None


def verify_detail(batch: int = 2000) -> tuple[int, str] | None:
    """Like ``verify`` but returns (row id, Korean reason) for the first broken row."""
    head = db.session.get(AccessLogHead, 1)
    expected_prev = head.anchor_hash if head else GENESIS
    expected_seq = (head.anchor_seq if head else 0) + 1
    last_seq = 0
    after = -1
    while True:
        rows = db.session.execute(select(AccessLogEntry).where(AccessLogEntry.seq > after)
                                  .order_by(AccessLogEntry.seq).limit(batch)).scalars().all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                return row.id, f"{expected_seq}번째 기록이 없습니다(삭제됨)"
            if row.prev_hash != expected_prev:
                return row.id, "이전 기록의 해시와 맞지 않습니다(앞의 기록이 바뀌거나 삭제됨)"
            if compute_hash(row) != row.row_hash:
                return row.id, "기록 내용이 해시와 맞지 않습니다(수정됨)"
            expected_prev = row.row_hash
            expected_seq += 1
            last_seq = row.seq
            after = row.seq
    if head is not None and head.last_seq != max(last_seq, head.anchor_seq):
        return TAIL_MISSING, "마지막 기록 이후의 기록이 삭제되었습니다"
    if head is not None and last_seq and head.last_hash != expected_prev:
        return TAIL_MISSING, "체인 머리의 해시와 마지막 기록이 맞지 않습니다"
    return None


def expire(cutoff, batch_size: int) -> int:
    """Remove rows written before ``cutoff`` (the registry's 2 years are over, counted by the
    retention engine), oldest first, keeping the chain verifiable: the hash of the last
    removed row becomes the anchor."""
    limit = clock.as_utc(cutoff)
    sqlite = _is_sqlite()
    if sqlite:
        _sqlite_lock.acquire()
    try:
        head = _head(lock=True)
        rows = db.session.execute(select(AccessLogEntry.seq, AccessLogEntry.row_hash)
                                  .where(AccessLogEntry.at < limit)
                                  .order_by(AccessLogEntry.seq).limit(batch_size)).all()
        if not rows:
            return 0
        last_seq, last_hash = rows[-1]
        db.session.execute(delete(AccessLogEntry).where(AccessLogEntry.seq <= last_seq)
                           .execution_options(synchronize_session=False))
        head.anchor_seq = last_seq
        head.anchor_hash = last_hash
        db.session.flush()
        return len(rows)
    finally:
        if sqlite:
            _sqlite_lock.release()

