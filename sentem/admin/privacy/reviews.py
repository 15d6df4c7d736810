"""The monthly access-log review (월 1회 점검): a job opens it, the privacy officer signs it off."""
from __future__ import annotations

import datetime as _dt
import json

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from ... import clock
from ...extensions import db
from ...jobs import job
from ...privacy import access_log
from ...staff import bp, guard
from ...staff import services as staff_services
from ..forms import SignoffForm
from ...staff.models import MonthlyReview
from ...privacy.review_checks import KIND_KO, findings_for


def previous_month(today: _dt.date | None = None) -> str:
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


@bp.route("/reviews")
@guard.require("reviews.view")
def reviews():
    rows = db.session.execute(select(MonthlyReview).order_by(MonthlyReview.month.desc())).scalars().all()
    return render_template("admin/reviews/list.html", rows=rows,
                           counts={r.id: len(json.loads(r.findings_json)) for r in rows})


@bp.route("/reviews/open", methods=["POST"])
@guard.require("reviews.signoff")
def review_open():
    """Open last month's review now (the job does this on the 1st)."""
    review = open_review()
    return redirect(url_for("admin.review_detail", review_id=review.id))


def _review_or_404(review_id: int) -> MonthlyReview:
    review = db.session.get(MonthlyReview, review_id)
    if review is None:
        abort(404)
    return review


def _render(review: MonthlyReview, form: SignoffForm, status: int = 200):
    names = {s.id: s.display_name for s in staff_services.all_staff()}
    return render_template("admin/reviews/detail.html", review=review, form=form, names=names,
                           findings=json.loads(review.findings_json), kind_ko=KIND_KO), status


@bp.route("/reviews/<int:review_id>")
@guard.require("reviews.view")
def review_detail(review_id: int):
    return _render(_review_or_404(review_id), SignoffForm())


@bp.route("/reviews/<int:review_id>/signoff", methods=["POST"])
@guard.require("reviews.signoff")
def review_signoff(review_id: int):
    """The privacy officer's sign-off with a (non-blank) comment."""
    review = _review_or_404(review_id)
    form = SignoffForm()
    if review.signed_off_at is not None:
        flash("이미 승인된 점검입니다.", "error")
        return redirect(url_for("admin.review_detail", review_id=review.id))
    if not form.validate_on_submit():
        return _render(review, form, 400)
    sign_off(review, guard.current_staff(), form.comment.data.strip())
    flash(f"{review.month} 점검을 승인했습니다.", "success")
    return redirect(url_for("admin.review_detail", review_id=review.id))
