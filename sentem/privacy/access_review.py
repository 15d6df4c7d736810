"""The monthly review of the staff access log (월 1회 점검, safety-measures standard Art. 8).

A job opens each month's review on the 1st with the anomalies ``review_checks`` finds in
the previous KST month; the privacy officer signs it off with a comment. The review's
table and the self-audit section that reports unsigned reviews belong to the privacy
core: the policy promises this review, whoever runs the staff screens.
"""
from __future__ import annotations

import datetime as _dt
import json

from sqlalchemy import select

from .. import clock
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..jobs import job
from . import access_log
from .registry import Declarations
from .review_checks import findings_for

DECLARE = Declarations()  # applied by the package's init_app


class MonthlyReview(db.Model):
    """월 1회 점검: the anomalies of one month and the privacy officer's sign-off."""

    __tablename__ = "staff_monthly_reviews"

    id = db.Column(db.Integer, primary_key=True)
    month = db.Column(db.String(7), nullable=False, unique=True)  # YYYY-MM (KST)
    opened_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    findings_json = db.Column(db.Text, nullable=False, default="[]")
    entry_count = db.Column(db.Integer, nullable=False, default=0)
    signed_off_by_id = db.Column(db.Integer, nullable=True)
    signed_off_at = db.Column(UTCDateTime, nullable=True)
    comment = db.Column(db.Text, nullable=True)


def previous_month(today: _dt.date | None = None) -> str:
    """``YYYY-MM`` of the KST month before ``today`` (default: the Sentem clock's today)."""
    today = today or clock.today()
    first = today.replace(day=1) - _dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def open_review(month: str | None = None) -> MonthlyReview:
    """Open the review of ``month`` (default: the previous KST month); idempotent (committed)."""
    month = month or previous_month()
    review = db.session.execute(select(MonthlyReview).filter_by(month=month)).scalar_one_or_none()
    if review is not None:
        return review
    findings, count = findings_for(month)
    review = MonthlyReview(month=month, opened_at=clock.now(), entry_count=count,
                           findings_json=json.dumps(findings, ensure_ascii=False))
    db.session.add(review)
    db.session.commit()
    return review


@job
def open_monthly_review_job(month: str | None = None) -> int:
    """Scheduled on the 1st of each month: open last month's review. Returns its id."""
    return open_review(month).id


def sign_off(review: MonthlyReview, staff, comment: str) -> None:
    """Record the privacy officer's sign-off with a comment (committed)."""
    if review.signed_off_at is not None:
        raise ValueError("이미 승인된 점검입니다.")
    review.signed_off_by_id = staff.id
    review.signed_off_at = clock.now()
    review.comment = comment
    access_log.record("review.signoff", staff_id=staff.id, detail=f"{review.month} 점검 승인")
    db.session.commit()


def reviews_section(start, end) -> dict:
    """Self-audit section: the reviews opened in the quarter, and any left unsigned."""
    rows = db.session.execute(select(MonthlyReview).where(MonthlyReview.opened_at >= start,
                                                          MonthlyReview.opened_at < end)).scalars().all()
    unsigned = [r.month for r in rows if r.signed_off_at is None]
    return {"title": "월간 접속기록 점검", "ok": not unsigned, "reviews": len(rows),
            "unsigned": ", ".join(unsigned) or "-"}


DECLARE.audit_section("monthly_reviews", reviews_section)
