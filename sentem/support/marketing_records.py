"""Registry entries of marketing: who was sent which campaign, and the 2-yearly consent notices.

The rows hold no message text and no address — only the member id, the campaign and
the outcome — yet they are facts about a member, so they are exported with the
member's data and destroyed when the member withdraws.
"""
from __future__ import annotations

from sqlalchemy import select

from .. import clock
from ..privacy import labels
from ..extensions import db
from ..privacy.registry import Declarations, RecordClass, Retention
from .models import Campaign, CampaignSend, ConsentStatusNotice, Inquiry

DECLARE = Declarations()  # applied by the package's init_app

RECORD_CLASS = "marketing_record"


def export(member_id: int) -> list[dict]:
    """The member's campaign outcomes and consent-status notices."""
    rows = []
    sends = db.session.execute(select(CampaignSend, Campaign.channel).join(Campaign)
                               .where(CampaignSend.member_id == member_id).order_by(CampaignSend.id)).all()
    for send, channel in sends:
        rows.append({"구분": "광고성 정보", "캠페인 번호": send.campaign_id,
                     "수단": "이메일" if channel == "email" else "문자",
                     "결과": labels.korean("marketing_outcome", send.outcome),
                     "사유": labels.korean("marketing_skip", send.reason),
                     "일시": clock.to_kst(send.at).strftime("%Y-%m-%d %H:%M")})
    for n in db.session.execute(select(ConsentStatusNotice).where(ConsentStatusNotice.member_id == member_id)
                                .order_by(ConsentStatusNotice.id)).scalars():
        rows.append({"구분": "수신 동의 현황 안내", "동의 종류": n.kind, "회차": n.anniversary,
                     "일시": clock.to_kst(n.sent_at).strftime("%Y-%m-%d %H:%M")})
    return rows


def destroy(member_id: int) -> int:
    """Delete the member's send and notice rows (no commit)."""
    count = db.session.execute(db.delete(CampaignSend).where(CampaignSend.member_id == member_id)).rowcount
    count += db.session.execute(db.delete(ConsentStatusNotice)
                                .where(ConsentStatusNotice.member_id == member_id)).rowcount
    return count


DECLARE.record_class(RecordClass(
    key=RECORD_CLASS,
    label_ko="광고성 정보 발송 기록",
    label_en="Advertising message records",
    items=(),
    legal_basis_ko="정보통신망법 제50조 (수신 동의에 따른 전송, 2년마다 수신 동의 여부 확인)",
    legal_basis_en="Network Act Art. 50 (sending under consent; consent status confirmed every 2 years)",
    retention=Retention(years=None, starts="withdrawal"),
    on_withdrawal="destroy",
    export=export,
    collect_archive=lambda member_id: [],
    destroy=destroy,
    expire=lambda cutoff, held, batch_size: 0,
    models=(CampaignSend, ConsentStatusNotice),
    order=70,
))


def audit_section(start, end) -> dict:
    """Quarterly self-audit: inquiries and the 10-day clock, campaigns and who they skipped."""
    def count(stmt):
        return db.session.execute(stmt).scalar_one()

    in_period = (Inquiry.created_at >= start, Inquiry.created_at < end)
    late = count(select(db.func.count(Inquiry.id)).where(
        Inquiry.queue == "privacy", *in_period, Inquiry.due_at.is_not(None),
        db.or_(Inquiry.answered_at > Inquiry.due_at,
               db.and_(Inquiry.answered_at.is_(None), Inquiry.due_at < clock.now()))))
    return {
        "title": "상담 게시판·광고성 정보",
        "inquiries_received": count(select(db.func.count(Inquiry.id)).where(*in_period)),
        "privacy_inquiries": count(select(db.func.count(Inquiry.id)).where(Inquiry.queue == "privacy", *in_period)),
        "privacy_inquiries_late": late,
        "campaigns": count(select(db.func.count(Campaign.id)).where(Campaign.created_at >= start,
                                                                    Campaign.created_at < end)),
        "marketing_sent": count(select(db.func.count(CampaignSend.id)).where(
            CampaignSend.outcome == "sent", CampaignSend.at >= start, CampaignSend.at < end)),
        "ok": late == 0,
    }


DECLARE.audit_section("support", audit_section)
