"""The monthly access-log review (월 1회 점검) on screen: the list, one review's findings and
the privacy officer's sign-off. The review itself (job, checks, table) is the privacy core's
``privacy.access_review``."""
from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from ...extensions import db
from ...privacy.access_review import MonthlyReview, open_review, sign_off
from ...staff import bp, guard
from ...staff import services as staff_services
from ..forms import SignoffForm


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
                           findings=json.loads(review.findings_json)), status


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
