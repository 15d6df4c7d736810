"""Notices, consultation-board inquiries with their answers, and marketing campaigns."""
from __future__ import annotations

from .. import clock
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..privacy.registry import Retention
from ..security.fields import day_key_column, personal

# 3 years from the (latest) answer (전자상거래법 시행령 제6조); the day key of that end seals
# the inquiry and its answers, so they die on time while the member stays.
RETENTION = Retention(years=3, starts="answer")

CATEGORIES = ("privacy", "order", "delivery", "other")
STATUSES = ("open", "answered", "closed")


class Notice(db.Model):
    """A post on the notices board (공지사항). Written by staff; holds no member's data."""

    __tablename__ = "notices"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text, nullable=False)
    kind = db.Column(db.String(20), nullable=False, default="general")  # general | policy
    policy_version_id = db.Column(db.Integer, db.ForeignKey("policy_versions.id"), nullable=True)
    staff_id = db.Column(db.Integer, nullable=True)  # who posted it (None: the system)
    posted_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class Inquiry(db.Model):
    """A member's private inquiry on the consultation board (a complaint record).

    Title and body may hold personal data, so both are sealed under the member's key and
    a day key: before the answer the ``open`` key of the day it was asked (its end is not
    known yet), from the answer on the key of its retain-until day (``answers.reseal``).
    """

    __tablename__ = "inquiries"
    __table_args__ = (db.Index("ix_inquiries_queue_status", "queue", "status"),)

    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, nullable=False, index=True)
    data_key_id = db.Column(db.Integer, nullable=False)
    category = db.Column(db.String(20), nullable=False)
    # privacy inquiries go to the privacy officer's queue, with the rights-answer clock.
    queue = db.Column(db.String(20), nullable=False, default="general")  # general | privacy
    status = db.Column(db.String(20), nullable=False, default="open")
    dispute = db.Column(db.Boolean, nullable=False, default=False)  # 분쟁: blocks withdrawal while open
    day_key_id = day_key_column(RETENTION)
    title = personal("inquiry_title", nullable=False, expires=lambda i: _ends(i.answered_at))
    body = personal("inquiry_body", nullable=False, expires=lambda i: _ends(i.answered_at))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    due_at = db.Column(UTCDateTime, nullable=True)  # privacy queue: RIGHTS_ANSWER_DAYS
    answered_at = db.Column(UTCDateTime, nullable=True)  # retention (3 years) counts from here
    # Answers so far: the answer form carries the count it showed, and an answer is recorded
    # only while it still holds (compare-and-set), so two staff never answer one question twice.
    answer_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    answers = db.relationship("InquiryAnswer", backref="inquiry", order_by="InquiryAnswer.id",
                              cascade="all, delete-orphan")


class InquiryAnswer(db.Model):
    """A staff answer; sealed under the member's key and the inquiry's day key, as it may
    repeat their data (a new answer is written as the inquiry's latest: its time is the end's start)."""

    __tablename__ = "inquiry_answers"

    id = db.Column(db.Integer, primary_key=True)
    inquiry_id = db.Column(db.Integer, db.ForeignKey("inquiries.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    data_key_id = db.Column(db.Integer, nullable=False)
    staff_id = db.Column(db.Integer, nullable=True)
    day_key_id = day_key_column(RETENTION)
    body = personal("inquiry_answer", nullable=False, expires=lambda a: _ends(
        a.inquiry.answered_at if a.inquiry is not None and a.inquiry.answered_at else a.created_at or clock.now()))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


def _ends(answered_at):
    return RETENTION.until(clock.as_utc(answered_at)) if answered_at else None


class Campaign(db.Model):
    """A marketing campaign (광고성 정보). The text is the same for everyone: no personal data."""

    __tablename__ = "campaigns"

    id = db.Column(db.Integer, primary_key=True)
    channel = db.Column(db.String(10), nullable=False)  # email | sms
    subject = db.Column(db.String(200), nullable=True)
    body = db.Column(db.Text, nullable=False)
    staff_id = db.Column(db.Integer, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = db.Column(UTCDateTime, nullable=True)
    sent_count = db.Column(db.Integer, nullable=False, default=0)
    skipped_count = db.Column(db.Integer, nullable=False, default=0)
    # Segment filters (``statistics.segments``): age band, region, category, last visit; None: everyone.
    segment = db.Column(db.String(200), nullable=True)


class CampaignSend(db.Model):
    """One member's outcome for one campaign: sent, or skipped and why. No message body."""

    __tablename__ = "campaign_sends"
    __table_args__ = (db.UniqueConstraint("campaign_id", "member_id"),)

    id = db.Column(db.Integer, primary_key=True)
    campaign_id = db.Column(db.Integer, db.ForeignKey("campaigns.id"), nullable=False, index=True)
    member_id = db.Column(db.Integer, nullable=False, index=True)
    outcome = db.Column(db.String(10), nullable=False)  # sent | skipped
    reason = db.Column(db.String(40), nullable=True)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class ConsentStatusNotice(db.Model):
    """Network Act Art. 50⑧: that a member was told their consent status for one 2-year mark."""

    __tablename__ = "consent_status_notices"
    __table_args__ = (db.UniqueConstraint("member_id", "kind", "consent_event_id", "anniversary"),)

    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, nullable=False, index=True)
    kind = db.Column(db.String(40), nullable=False)
    consent_event_id = db.Column(db.Integer, nullable=False)  # the grant being confirmed
    anniversary = db.Column(db.Integer, nullable=False)  # 1 = 2 years, 2 = 4 years, …
    sent_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
