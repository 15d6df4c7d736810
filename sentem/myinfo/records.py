"""Registry entries for rights requests and correction events.

Retention choices (documented here because the law sets no single number):
- Rights requests (열람·정정·삭제·처리정지·탈퇴 요청과 답변): kept 3 years from the
  answer — common practice for proving that a request was answered within the
  legal deadline (PIPA Art. 35–38 and the enforcement decree's 10 days); on
  withdrawal they move to the archive database (the withdrawal record included),
  without the free text, which is destroyed with the member's data key.
- Correction events (which item was corrected or deleted, and when — never a
  value): kept until withdrawal, destroyed with the profile.
- Export downloads (that the member downloaded their data, the format and when):
  kept until withdrawal, destroyed with the profile.
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import delete, select

from .. import clock
from ..privacy import labels
from ..extensions import db
from ..privacy.labelled import labelled
from ..privacy.registry import REGISTRY, ArchiveItem, Declarations, Item, RecordClass, Retention
from .models import RIGHTS_RETENTION, CorrectionEvent, ExportDownload, ProxyDocument, RightsRequest

DECLARE = Declarations()  # applied by the package's init_app

RIGHTS = "rights_request"
CORRECTIONS = "correction_event"
DOWNLOADS = "export_download"

for _item in (
    Item("rights_request_detail", "권리 행사 요청 내용", "Rights request details", ("member_mgmt",),
         collected_via="consultation", record_class=RIGHTS),
    Item("rights_request_answer", "권리 행사 요청 답변", "Answer to a rights request", ("member_mgmt",),
         collected_via="consultation", record_class=RIGHTS),
    Item("proxy_name", "대리인 이름", "Legal representative's name", ("member_mgmt",),
         collected_via="consultation", record_class=RIGHTS),
    Item("proxy_document", "대리인 증빙 서류", "Legal representative's documents", ("member_mgmt",),
         collected_via="consultation", record_class=RIGHTS),
):
    DECLARE.item(_item)



def _iso(value: _dt.datetime | None) -> str:
    return clock.to_kst(value).isoformat(timespec="seconds") if value else ""


def export_requests(member_id: int) -> list[dict]:
    """Every rights request of the member, decrypted, newest first."""
    rows = db.session.execute(select(RightsRequest).filter_by(member_id=member_id)
                              .order_by(RightsRequest.received_at.desc(), RightsRequest.id.desc())).scalars()
    out = []
    for r in rows:
        out.append({
            "요청 번호": r.id,
            "종류": labels.korean("rights_kind", r.kind),
            "대상": r.subject or "",
            "상태": labels.korean("rights_status", r.status),
            "결과": labels.korean("rights_outcome", r.outcome),
            "접수 일시": _iso(r.received_at),
            "답변 기한": _iso(r.due_at),
            "답변 일시": _iso(r.answered_at),
            "법적 근거": r.legal_basis or "",
            **labelled(r),
            "대리인 관계": r.proxy_relation or "",
            "증빙 서류": ", ".join(f"{d.media_type} {d.size_bytes}B" for d in r.documents),
        })
    return out


def archive_requests(member_id: int) -> list[ArchiveItem]:
    """What the archive keeps: kind, dates, outcome, basis — no free text, no documents."""
    rows = db.session.execute(select(RightsRequest).filter_by(member_id=member_id)).scalars()
    return [ArchiveItem(record_class=RIGHTS, order_no=None, occurred_at=r.answered_at or r.received_at,
                        payload={"request_id": r.id, "kind": r.kind, "status": r.status,
                                 "outcome": r.outcome or "", "subject": r.subject or "",
                                 "channel": r.channel, "received_at": _iso(r.received_at),
                                 "due_at": _iso(r.due_at), "answered_at": _iso(r.answered_at),
                                 "legal_basis": r.legal_basis or ""})
            for r in rows]


def destroy_requests(member_id: int) -> int:
    """Delete the member's requests and documents from the main database (no commit)."""
    docs = db.session.execute(delete(ProxyDocument).where(ProxyDocument.member_id == member_id)).rowcount
    reqs = db.session.execute(delete(RightsRequest).where(RightsRequest.member_id == member_id)).rowcount
    return (docs or 0) + (reqs or 0)


def expire_requests(cutoff: _dt.datetime, held: frozenset[str], batch_size: int) -> int:
    """Destroy requests answered before ``cutoff`` (their 3 years are over), at most ``batch_size``.

    Requests carry no order number, so no hold can name them (``held`` is always empty).
    """
    ids = list(db.session.execute(select(RightsRequest.id).where(RightsRequest.answered_at.is_not(None),
                                                                 RightsRequest.answered_at < cutoff)
                                  .order_by(RightsRequest.id).limit(batch_size)).scalars())
    if not ids:
        return 0
    db.session.execute(delete(ProxyDocument).where(ProxyDocument.request_id.in_(ids)))
    db.session.execute(delete(RightsRequest).where(RightsRequest.id.in_(ids)))
    return len(ids)


def export_corrections(member_id: int) -> list[dict]:
    """Which item was corrected or deleted, and when."""
    rows = db.session.execute(select(CorrectionEvent).filter_by(member_id=member_id)
                              .order_by(CorrectionEvent.at.desc(), CorrectionEvent.id.desc())).scalars()
    return [{"항목": (REGISTRY.items[e.item_key].label_ko if e.item_key in REGISTRY.items else e.item_key),
             "처리": "삭제" if e.action == "delete" else "정정", "일시": _iso(e.at)} for e in rows]


def destroy_corrections(member_id: int) -> int:
    """Delete the member's correction events (no commit)."""
    return db.session.execute(delete(CorrectionEvent).where(CorrectionEvent.member_id == member_id)).rowcount or 0


DECLARE.record_class(RecordClass(
    key=RIGHTS,
    label_ko="권리 행사 요청 기록",
    label_en="Rights requests",
    items=("rights_request_detail", "rights_request_answer", "proxy_name", "proxy_document"),
    legal_basis_ko="개인정보 보호법 제35조~제38조 (열람·정정·삭제·처리정지 요구의 처리 및 그 기록)",
    legal_basis_en="PIPA Art. 35–38 (handling of access, correction, deletion and suspension requests)",
    retention=RIGHTS_RETENTION,
    on_withdrawal="archive",
    export=export_requests,
    collect_archive=archive_requests,
    destroy=destroy_requests,
    expire=expire_requests,
    models=(RightsRequest, ProxyDocument),
    order=80,
))

DECLARE.record_class(RecordClass(
    key=CORRECTIONS,
    label_ko="정정·삭제 이력",
    label_en="Corrections and deletions",
    items=(),
    legal_basis_ko="개인정보 보호법 제36조 (정정·삭제 요구의 처리)",
    legal_basis_en="PIPA Art. 36 (correction and deletion requests)",
    retention=Retention(years=None, starts="withdrawal"),
    on_withdrawal="destroy",
    export=export_corrections,
    destroy=destroy_corrections,
    models=(CorrectionEvent,),
    order=85,
))


def export_downloads(member_id: int) -> list[dict]:
    """When the member downloaded their data, and in which format, newest first."""
    rows = db.session.execute(select(ExportDownload).filter_by(member_id=member_id)
                              .order_by(ExportDownload.at.desc(), ExportDownload.id.desc())).scalars()
    return [{"형식": d.fmt.upper(), "일시": _iso(d.at)} for d in rows]


def destroy_downloads(member_id: int) -> int:
    """Delete the member's download log (no commit)."""
    return db.session.execute(delete(ExportDownload).where(ExportDownload.member_id == member_id)).rowcount or 0


DECLARE.record_class(RecordClass(
    key=DOWNLOADS,
    label_ko="내 정보 내려받기 이력",
    label_en="Downloads of my data",
    items=(),
    legal_basis_ko="개인정보 보호법 제35조 (개인정보의 열람)",
    legal_basis_en="PIPA Art. 35 (access to personal data)",
    retention=Retention(years=None, starts="withdrawal"),
    on_withdrawal="destroy",
    export=export_downloads,
    destroy=destroy_downloads,
    models=(ExportDownload,),
    order=86,
))


def open_requests(member_id: int) -> list[str]:
    """Obligation check: a rights request staff have not answered keeps a withdrawal pending
    (the withdrawal would destroy what the answer is about); its deadline keeps running."""
    rows = db.session.execute(select(RightsRequest.kind, RightsRequest.due_at).where(
        RightsRequest.member_id == member_id, RightsRequest.status == "received",
        RightsRequest.kind != "withdrawal").order_by(RightsRequest.due_at)).all()
    return [f"답변을 기다리는 {labels.korean('rights_kind', kind)} 요청이 있습니다(답변 기한 "
            f"{clock.to_kst(due_at):%Y-%m-%d}). 답변이 끝나면 탈퇴가 완료됩니다." for kind, due_at in rows]


DECLARE.obligation_check(open_requests)
