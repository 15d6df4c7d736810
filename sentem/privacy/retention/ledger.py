"""The destruction ledger (파기 관리대장) and the per-run summary.

Ledger rows are counted up inside the same transaction as the work they describe,
so a crash never leaves a destruction without its row or a row for work not done.
"""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from ... import clock
from ...extensions import db
from .models import DestructionLedger

METHODS = {
    "archive_move": "보존기한 일자별 보관키로 재암호화하여 분리보관 DB로 이전",
    "destroy": "운영 DB 행 삭제(secure_delete/VACUUM FULL); 백업본 속 사본은 회원 데이터키 파기로 기한 내 복호 불가",
    "expire": ("보존기간 경과 운영 DB 행 삭제(secure_delete/VACUUM FULL); 이전 백업 속 사본은 일자 키 파기로 복호 불가"
               "(주문·결제·취소 기록은 비암호화로 남음)"),
    "archive_destroy": "분리보관 DB 행 삭제(secure_delete/VACUUM FULL); 백업본 속 사본은 보관일 키 파기로 기한 내 복호 불가",
    "key_shred": "회원 데이터키 파기(암호학적 삭제)",
    "archive_key_shred": "보관일 키 파기(암호학적 삭제)",
    "bucket_rekey": "파기된 키가 속한 버킷키 교체(잔존 사본 무력화)",
    "expiry_key_shred": "보존기한 일자 키 파기(암호학적 삭제: 이전 백업본 속 만료 기록 사본 복호 불가)",
    "outbox_purge": "발송함 보관기간 경과 파일 삭제",
    "outbox_key_shred": "발송함 일자 키 파기(암호학적 삭제)",
    "root_erase": "이전 에포크 루트키 덮어쓰기 삭제(백업·WAL 속 키 사본 복호 불가)",
    "index_key_shred": "블라인드 인덱스 키 교체, 이전 키 파기(이전 백업 속 인덱스 대조 불가)",
    "index_rekey": "남는 회원의 블라인드 인덱스를 새 키로 재계산",
}


def new_run_id() -> str:
    """A run id: the KST date plus a random suffix (no personal data)."""
    return clock.today().strftime("%Y%m%d") + "-" + uuid.uuid4().hex[:10]


@dataclass
class Summary:
    """What one sweep did (or, in a dry run, would do)."""

    run_id: str
    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)  # (record_class, action) -> n
    duties_done: int = 0
    duties_held: int = 0
    errors: list[str] = field(default_factory=list)
    scrubbed: list[str] = field(default_factory=list)

    @property
    def destroyed_anything(self) -> bool:
        return any(n for (_, action), n in self.counts.items() if action != "archive_move")

    def as_dict(self) -> dict:
        return {"run_id": self.run_id, "dry_run": self.dry_run, "duties_done": self.duties_done,
                "duties_held": self.duties_held, "errors": list(self.errors),
                "counts": {f"{rc}:{action}": n for (rc, action), n in sorted(self.counts.items())}}


def add(summary: Summary, record_class: str, action: str, count: int, job: str) -> None:
    """Count ``count`` more of ``action`` on ``record_class`` in this run's ledger (flushed, not committed)."""
    add_counts(summary, {record_class: count}, action, job)


def add_counts(summary: Summary, counts: dict[str, int], action: str, job: str) -> None:
    """``add`` for several record classes at once, in one read and one write of the ledger
    (a sweep batch touches every class it deleted: a round trip each was a fifth of its time)."""
    counts = {rc: n for rc, n in counts.items() if n > 0}
    if not counts:
        return
    if summary.dry_run:
        for record_class, n in counts.items():
            summary.counts[(record_class, action)] += n
        return
    now = clock.now()
    rows = _rows(summary.run_id, action, counts, job, now)
    for record_class, n in sorted(counts.items()):
        summary.counts[(record_class, action)] += n
        rows[record_class].count += n
        rows[record_class].at = now
    db.session.flush()


def raise_to(run_id: str, action: str, counts: dict[str, int], job: str, at) -> dict[str, int]:
    """An earlier run's rows of ``action`` raised to ``counts`` where they show fewer (that run
    was killed between destroying and writing its row); never lowered. Flushed, not committed.
    Returns what was added, per record class."""
    rows = _rows(run_id, action, counts, job, at)
    added = {}
    for record_class, n in sorted(counts.items()):
        row = rows[record_class]
        if n > row.count:
            added[record_class] = n - row.count
            row.count, row.at = n, at
    db.session.flush()
    return added


def _rows(run_id: str, action: str, record_classes, job: str, at) -> dict[str, DestructionLedger]:
    """A run's ledger rows of ``action`` for these record classes, in one read; those it has
    not written yet are added with a count of 0."""
    rows = {row.record_class: row for row in db.session.execute(select(DestructionLedger).where(
        DestructionLedger.run_id == run_id, DestructionLedger.action == action,
        DestructionLedger.record_class.in_(sorted(record_classes)))).scalars()}
    for record_class in sorted(set(record_classes) - set(rows)):
        rows[record_class] = DestructionLedger(run_id=run_id, record_class=record_class, action=action, count=0,
                                               method=METHODS.get(action, action), job=job, at=at)
        db.session.add(rows[record_class])
    return rows


def recent(limit: int = 200, record_class: str | None = None) -> list[DestructionLedger]:
    """Ledger rows, newest first."""
    q = select(DestructionLedger)
    if record_class:
        q = q.where(DestructionLedger.record_class == record_class)
    return list(db.session.execute(q.order_by(DestructionLedger.at.desc(), DestructionLedger.id.desc())
                                   .limit(limit)).scalars())
