"""Consultation-board inquiries: members open them, staff answer; privacy ones go to the officer.

No attachments are accepted at all (nothing executable can arrive this way); members
who need to show a document are asked to describe it or call the department.
"""
from __future__ import annotations

import datetime as _dt

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..extensions import db
from ..notify import outbox
from ..privacy.registry import RIGHTS_ANSWER_DAYS
from ..security import fields
from .models import CATEGORIES, Inquiry, InquiryAnswer
from .recipients import contact_of

TITLE_MAX = 200
BODY_MAX = 5000
ANSWER_MAX = 5000


class InquiryError(ValueError):
    """Bad input; ``errors`` maps field names to Korean messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def validate(category: str, title: str, body: str) -> dict[str, str]:
    """Field errors for a new inquiry (empty dict when fine)."""
    errors = {}
    if category not in CATEGORIES:
        errors["category"] = "문의 분류를 선택해 주세요."
    if not (title or "").strip():
        errors["title"] = "제목을 입력해 주세요."
    elif len(title.strip()) > TITLE_MAX:
        errors["title"] = f"제목은 {TITLE_MAX}자 이내로 입력해 주세요."
    if not (body or "").strip():
        errors["body"] = "문의 내용을 입력해 주세요."
    elif len(body.strip()) > BODY_MAX:
        errors["body"] = f"문의 내용은 {BODY_MAX}자 이내로 입력해 주세요."
    return errors


def open_inquiry(member, category: str, title: str, body: str, *, dispute: bool = False) -> Inquiry:
    """A member opens an inquiry; privacy ones get the officer's queue and the 10-day clock. Commits."""
    errors = validate(category, title, body)
    if errors:
        raise InquiryError(errors)
    now = clock.now()
    privacy = category == "privacy"
    inquiry = Inquiry(member_id=member.id, data_key_id=member.data_key_id, category=category,
                      queue="privacy" if privacy else "general", status="open", dispute=bool(dispute),
                      created_at=now,
                      due_at=now + _dt.timedelta(days=RIGHTS_ANSWER_DAYS) if privacy else None)
    inquiry.title = title.strip()
    inquiry.body = body.strip()
    db.session.add(inquiry)
    db.session.commit()
    return inquiry


def for_member(member_id: int) -> list[Inquiry]:
    """The member's own inquiries, newest first."""
    return list(db.session.execute(select(Inquiry).where(Inquiry.member_id == member_id)
                                   .order_by(Inquiry.id.desc())).scalars())


def get_for_member(member_id: int, inquiry_id: int) -> Inquiry | None:
    """The inquiry if it belongs to ``member_id`` — anyone else's id is simply not found."""
    return db.session.execute(select(Inquiry).where(Inquiry.id == inquiry_id,
                                                    Inquiry.member_id == member_id)).scalar_one_or_none()


def queue(name: str, status: str | None = "open") -> list[Inquiry]:
    """A staff queue (``general`` or ``privacy``), oldest first so the deadline is on top."""
    stmt = select(Inquiry).where(Inquiry.queue == name)
    if status:
        stmt = stmt.where(Inquiry.status == status)
    return list(db.session.execute(stmt.order_by(Inquiry.due_at, Inquiry.id)).scalars())


def overdue(at: _dt.datetime | None = None) -> list[Inquiry]:
    """Privacy inquiries still open past their 10-day deadline."""
    at = at or clock.now()
    return list(db.session.execute(select(Inquiry).where(Inquiry.queue == "privacy", Inquiry.status == "open",
                                                         Inquiry.due_at < at).order_by(Inquiry.due_at)).scalars())


class AnswerConflict(InquiryError):
    """Another answer was recorded since the form was shown; nothing was written."""


ANSWERED_MEANWHILE = "다른 직원이 방금 이 문의에 답변했습니다. 등록된 답변을 확인한 뒤 필요하면 다시 등록해 주세요."


def answer(inquiry: Inquiry, body: str, *, staff_id: int | None, close: bool = False,
           seen: int | None = None) -> InquiryAnswer:
    """Staff answer an inquiry; the 3-year retention counts from the (latest) answer. Commits.

    ``seen``: how many answers the form showed (default: as read now). A compare-and-set
    on ``answer_count`` records the answer only while that still holds: of two staff (or a
    double-submitted form) answering at once, one answer is recorded and one email sent;
    the other gets ``AnswerConflict`` having written nothing.
    """
    text = (body or "").strip()
    if not text:
        raise InquiryError({"body": "답변 내용을 입력해 주세요."})
    if len(text) > ANSWER_MAX:
        raise InquiryError({"body": f"답변은 {ANSWER_MAX}자 이내로 입력해 주세요."})
    expected = inquiry.answer_count if seen is None else seen
    now = clock.now()
    values = {"status": "closed" if close else "answered", "answered_at": now, "answer_count": expected + 1}
    won = db.session.execute(
        update(Inquiry).where(Inquiry.id == inquiry.id, Inquiry.answer_count == expected).values(**values)
        .execution_options(synchronize_session=False)).rowcount
    if won != 1:
        db.session.rollback()
        db.session.refresh(inquiry)
        raise AnswerConflict({"body": ANSWERED_MEANWHILE})
    for key, value in values.items():  # the row has them already: no second UPDATE at flush
        set_committed_value(inquiry, key, value)
    reply = InquiryAnswer(inquiry_id=inquiry.id, data_key_id=inquiry.data_key_id, staff_id=staff_id,
                          created_at=now)
    reply.body = text
    # The 3 years now count from this answer: the question and every answer are sealed
    # under this end's day key (copies under the earlier key die with that key).
    for row in (inquiry, *inquiry.answers):
        fields.reseal(row)
    db.session.add(reply)
    _tell_member_after_commit(inquiry)
    db.session.commit()
    return reply


def _tell_member_after_commit(inquiry: Inquiry) -> None:
    """A short email that an answer is waiting — a link only, never the answer's text."""
    contact = contact_of(inquiry.member_id)
    if contact is None or not contact.active or not contact.email:
        return
    link = f"{current_app.config.get('SENTEM_BASE_URL', '').rstrip('/')}/support/{inquiry.id}"
    body = ("상담 게시판에 남기신 문의에 답변이 등록되었습니다.\n"
            f"로그인 후 확인해 주세요: {link}\n\n왓플래닛 (센템)")
    member_id, email = inquiry.member_id, contact.email
    outbox.after_commit(db.session(), lambda: outbox.send_email(
        email, "[왓플래닛] 문의에 답변이 등록되었습니다", body, category="inquiry_answer", member_id=member_id))


def set_dispute(inquiry: Inquiry, dispute: bool) -> None:
    """Mark or unmark an inquiry as a dispute (분쟁). Commits."""
    inquiry.dispute = bool(dispute)
    db.session.commit()
