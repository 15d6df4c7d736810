"""Registry entries of the consultation board and notices.

Inquiries are complaint records (소비자의 불만 또는 분쟁처리에 관한 기록): kept 3 years
from the answer (전자상거래법 시행령 제6조), archived on withdrawal. An open inquiry
marked as a dispute (분쟁) keeps a withdrawal waiting.
"""
from __future__ import annotations

from sqlalchemy import select

from .. import clock
from ..privacy import labels
from ..extensions import db
from ..privacy.labelled import labelled
from ..privacy.registry import ArchiveItem, Consent, Declarations, Item, RecordClass
from .models import RETENTION, Inquiry, InquiryAnswer

DECLARE = Declarations()  # applied by the package's init_app

RECORD_CLASS = "complaint_record"

for _item in (
    Item("inquiry_title", "상담 제목", "Inquiry title", ("member_mgmt",), collected_via="consultation",
         record_class=RECORD_CLASS),
    Item("inquiry_body", "상담 내용", "Inquiry text", ("member_mgmt",), collected_via="consultation",
         record_class=RECORD_CLASS),
    Item("inquiry_answer", "상담 답변", "Answer to the inquiry", ("member_mgmt",),
         collected_via="consultation", record_class=RECORD_CLASS),
):
    DECLARE.item(_item)

DECLARE.consent(Consent(
    key="notices", label_ko="공지사항 알림 수신 (선택)", label_en="Notice alerts (optional)", required=False,
    purposes=("member_mgmt",), items=("email",), retention_ko="회원 탈퇴 또는 동의 철회 시까지",
    retention_en="Until withdrawal or until consent is withdrawn",
    refusal_ko="동의하지 않아도 모든 서비스를 이용할 수 있으며, 공지사항은 게시판에서 보실 수 있습니다.",
    refusal_en="You can use every service without it; notices stay on the notices board."))
DECLARE.consent(Consent(
    key="marketing_sms_night", label_ko="야간(21시~08시) 광고성 문자 수신 (선택)",
    label_en="Advertising text messages at night, 21:00-08:00 (optional)", required=False,
    purposes=("marketing",), items=("mobile",), retention_ko="회원 탈퇴 또는 동의 철회 시까지",
    retention_en="Until withdrawal or until consent is withdrawn",
    refusal_ko="동의하지 않으면 야간에는 광고성 문자를 보내지 않습니다. 서비스 이용에는 제한이 없습니다.",
    refusal_en="Without it we send no advertising texts at night; every service stays available.",
    channel="sms_night"))


def member_inquiries(member_id: int) -> list[Inquiry]:
    return list(db.session.execute(select(Inquiry).where(Inquiry.member_id == member_id)
                                   .order_by(Inquiry.id)).scalars())


def _row(inq: Inquiry) -> dict:
    return {
        "상담 번호": inq.id,
        "분류": labels.korean("inquiry_category", inq.category),
        "상태": labels.korean("inquiry_status", inq.status),
        **labelled(inq),
        "접수 일시": clock.to_kst(inq.created_at).strftime("%Y-%m-%d %H:%M"),
        "상담 답변": "\n\n".join(a.body for a in inq.answers),
        "답변 일시": clock.to_kst(inq.answered_at).strftime("%Y-%m-%d %H:%M") if inq.answered_at else "",
    }


def export(member_id: int) -> list[dict]:
    """The member's inquiries and answers, decrypted and labelled."""
    return [_row(i) for i in member_inquiries(member_id)]


def collect_archive(member_id: int) -> list[ArchiveItem]:
    """Every inquiry goes to the archive: 3 years from the answer (or from now if unanswered)."""
    return [ArchiveItem(record_class=RECORD_CLASS, order_no=None,
                        occurred_at=inq.answered_at or clock.now(), payload=_row(inq))
            for inq in member_inquiries(member_id)]


def destroy(member_id: int) -> int:
    """Delete the member's inquiries and answers from the main database (no commit)."""
    ids = select(Inquiry.id).where(Inquiry.member_id == member_id)
    db.session.execute(db.delete(InquiryAnswer).where(InquiryAnswer.inquiry_id.in_(ids)))
    return db.session.execute(db.delete(Inquiry).where(Inquiry.member_id == member_id)).rowcount


def expire(cutoff, held: frozenset[str], batch_size: int) -> int:
    """Destroy inquiries answered before ``cutoff`` (their 3 years are over); at most ``batch_size``.

    Inquiries carry no order number, so no hold can name them (``held`` is always empty); an
    open dispute is an unanswered inquiry, which never expires.
    """
    ids = list(db.session.execute(select(Inquiry.id).where(Inquiry.answered_at.is_not(None),
                                                           Inquiry.answered_at < cutoff)
                                  .order_by(Inquiry.id).limit(batch_size)).scalars())
    if not ids:
        return 0
    db.session.execute(db.delete(InquiryAnswer).where(InquiryAnswer.inquiry_id.in_(ids)))
    return db.session.execute(db.delete(Inquiry).where(Inquiry.id.in_(ids))).rowcount


def open_disputes(member_id: int) -> list[str]:
    """Obligation check: an unanswered inquiry marked as a dispute, or an unanswered privacy
    inquiry (the officer's 10-day clock keeps running), keeps a withdrawal waiting."""
    rows = db.session.execute(select(Inquiry.dispute, db.func.count(Inquiry.id)).where(
        Inquiry.member_id == member_id, Inquiry.status == "open",
        db.or_(Inquiry.dispute.is_(True), Inquiry.queue == "privacy")).group_by(Inquiry.dispute)).all()
    counts = {bool(dispute): n for dispute, n in rows}
    out = []
    if counts.get(True):
        out.append(f"처리 중인 분쟁 상담이 {counts[True]}건 있습니다. 답변이 끝나면 탈퇴가 완료됩니다.")
    if counts.get(False):
        out.append(f"답변을 기다리는 개인정보 문의가 {counts[False]}건 있습니다. 답변이 끝나면 탈퇴가 완료됩니다.")
    return out


DECLARE.obligation_check(open_disputes)
DECLARE.record_class(RecordClass(
    key=RECORD_CLASS,
    label_ko="소비자 불만 또는 분쟁 처리 기록(상담 게시판)",
    label_en="Consumer complaint and dispute records (consultation board)",
    items=("inquiry_title", "inquiry_body", "inquiry_answer"),
    legal_basis_ko="전자상거래 등에서의 소비자보호에 관한 법률 시행령 제6조 (소비자의 불만 또는 분쟁처리에 관한 기록 3년)",
    legal_basis_en="Enforcement Decree of the E-Commerce Consumer Protection Act, Art. 6 "
                   "(records of consumer complaints and disputes: 3 years)",
    retention=RETENTION,
    on_withdrawal="archive",
    export=export,
    collect_archive=collect_archive,
    destroy=destroy,
    expire=expire,
    models=(Inquiry, InquiryAnswer),
    order=60,
))
