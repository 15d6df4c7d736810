"""Requests that need staff: filed by the member (or a legal representative), answered in the
admin queue within ``RIGHTS_ANSWER_DAYS``, and the answer sent to the member.

Answering is a compare-and-set (``UPDATE … WHERE id = :id AND status <> 'answered'``):
two staff answering one request at once leave one answer and send one notice.
"""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..privacy import labels
from ..accounts import services as accounts
from ..extensions import db
from ..security import fields
from . import documents
from .models import KINDS, OUTCOMES, ProxyDocument, RightsRequest
from .services import RightsError, notify

MAX_DETAIL = 2000
RELATIONS = ("parent", "guardian", "delegate")  # who may ask for a member (labels: ``rights_relation``)


def file_request(member, kind: str, detail: str, *, proxy_name: str = "", proxy_relation: str = "",
                 document: bytes | None = None) -> RightsRequest:
    """Queue a request for staff; commits. Raises RightsError / DocumentRejected on bad input."""
    detail = (detail or "").strip()
    if kind not in KINDS or kind == "withdrawal":
        raise RightsError("요청 종류를 선택해 주세요.")
    if not detail:
        raise RightsError("요청 내용을 입력해 주세요.")
    if len(detail) > MAX_DETAIL:
        raise RightsError(f"요청 내용은 {MAX_DETAIL}자 이내로 입력해 주세요.")
    proxy_name = (proxy_name or "").strip()
    is_proxy = bool(proxy_name or proxy_relation or document)
    if is_proxy:
        if not proxy_name or len(proxy_name) > 50:
            raise RightsError("대리인 이름을 50자 이내로 입력해 주세요.")
        if proxy_relation not in RELATIONS:
            raise RightsError("대리인과의 관계를 선택해 주세요.")
        if document is None:
            raise RightsError("대리인 요청에는 위임장 등 증빙 서류(PDF, JPEG, PNG)가 필요합니다.")
    media_type = documents.sniff(document) if document is not None else None
    now = clock.now()
    req = RightsRequest(member_id=member.id, data_key_id=member.data_key_id, kind=kind, status="received",
                        channel="proxy" if is_proxy else "staff", received_at=now,
                        due_at=RightsRequest.due_from(now), proxy_relation=proxy_relation or None)
    req.detail = detail
    req.proxy_name = proxy_name or None
    db.session.add(req)
    db.session.flush()
    if document is not None:
        doc = ProxyDocument(request_id=req.id, member_id=member.id, data_key_id=member.data_key_id,
                            media_type=media_type, size_bytes=len(document), uploaded_at=now)
        doc.content = document  # under the member's key and the day key of the asking (not answered yet)
        db.session.add(doc)
    notify(member, "권리 행사 요청 접수",
           f"{labels.korean('rights_kind', kind)} 요청(번호 {req.id})을 접수했습니다. "
           f"{clock.to_kst(req.due_at):%Y-%m-%d}까지 답변드립니다.")
    db.session.commit()
    return req


def queue(*, open_only: bool = True) -> list[RightsRequest]:
    """Requests for staff, oldest deadline first."""
    stmt = select(RightsRequest).where(RightsRequest.channel != "online")
    if open_only:
        stmt = stmt.where(RightsRequest.status == "received")
    return list(db.session.execute(stmt.order_by(RightsRequest.due_at, RightsRequest.id)).scalars())


def open_count() -> int:
    """Requests waiting in the staff queue (shown beside 권리 행사 요청 in the menu)."""
    return db.session.execute(select(func.count(RightsRequest.id)).where(
        RightsRequest.channel != "online", RightsRequest.status == "received")).scalar_one()


def is_overdue(req: RightsRequest) -> bool:
    """Unanswered past its legal deadline."""
    return req.status != "answered" and clock.now() > req.due_at


def answer_request(req: RightsRequest, *, staff_id: int, outcome: str, answer: str,
                   legal_basis: str = "") -> RightsRequest:
    """Close a queued request with an outcome; refusals must name their legal basis; commits."""
    answer, legal_basis = (answer or "").strip(), (legal_basis or "").strip()
    if req.status == "answered":
        raise RightsError("이미 답변한 요청입니다.")
    if outcome not in OUTCOMES or outcome == "cancelled":
        raise RightsError("처리 결과를 선택해 주세요.")
    if not answer:
        raise RightsError("답변 내용을 입력해 주세요.")
    if outcome in ("refused", "partly_done", "deferred") and not legal_basis:
        raise RightsError("거절·일부 처리·보류에는 법적 근거를 적어야 합니다.")
    values = {"status": "answered", "outcome": outcome, "legal_basis": legal_basis or None,
              "answered_at": clock.now(), "answered_by": staff_id}
    won = db.session.execute(
        update(RightsRequest).where(RightsRequest.id == req.id, RightsRequest.status != "answered")
        .values(**values).execution_options(synchronize_session=False)).rowcount
    if won != 1:
        db.session.rollback()
        raise RightsError("이미 답변한 요청입니다.")
    for key, value in values.items():
        set_committed_value(req, key, value)
    # The 3 years count from now: the request and its documents move to that end's day key.
    for row in (req, *req.documents):
        fields.reseal(row)
    req.answer = answer  # sealed under the member's key and that day key; flushed with the winner's transaction
    member = accounts.get(req.member_id)
    if member is not None and member.status != "withdrawn":
        notify(member, "권리 행사 요청 답변",
               f"요청(번호 {req.id})에 답변했습니다: {labels.korean('rights_outcome', outcome)}. "
               "자세한 내용은 내 정보 > 권리 행사 요청에서 확인해 주세요.")
    db.session.commit()
    return req
