"""Staff area: consultation-board queues and answers, and posting notices.

Privacy inquiries sit in the privacy officer's queue (permission inquiries.privacy)
with their 10-day deadline; other inquiries need inquiries.view / inquiries.answer.
Opening an inquiry shows a member's words, so every view and answer is access-logged.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField

from .. import clock
from ..extensions import db
from ..privacy import access_log
from ..staff import bp, guard, people
from ..support import inquiries as inquiry_services
from ..support import notices as notice_services
from ..support.models import Inquiry


class AnswerForm(FlaskForm):
    body = TextAreaField("답변")
    close = BooleanField("답변 후 종료")
    seen = HiddenField()  # how many answers the page showed (the answer's compare-and-set)


def _seen(raw) -> int | None:
    """The answer count the form showed; None (read it now) when missing or not a small number."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else None


class NoticeForm(FlaskForm):
    title = StringField("제목")
    body = TextAreaField("내용")


def _may_see(inquiry: Inquiry) -> bool:
    return inquiry.queue != "privacy" or guard.has_permission("inquiries.privacy")


@bp.route("/inquiries")
@guard.require("inquiries.view")
def inquiries():
    """Open inquiries per queue; the privacy queue only for those allowed to handle it."""
    show_privacy = guard.has_permission("inquiries.privacy")
    general = inquiry_services.queue("general")
    privacy = inquiry_services.queue("privacy") if show_privacy else None
    answered = [i for i in _recent_answered() if _may_see(i)]
    people.load(i.member_id for i in (*general, *(privacy or ()), *answered))  # every name of the page at once
    return render_template("admin/support/inquiries.html", general=general, privacy=privacy,
                           overdue={i.id for i in inquiry_services.overdue()} if show_privacy else set(),
                           answered=answered, now=clock.now())


def _recent_answered() -> list[Inquiry]:
    return list(db.session.execute(db.select(Inquiry).where(Inquiry.status != "open")
                                   .order_by(Inquiry.answered_at.desc()).limit(30)).scalars())


def _inquiry_or_404(inquiry_id: int) -> Inquiry:
    inquiry = db.session.get(Inquiry, inquiry_id)
    if inquiry is None:
        abort(404)
    if not _may_see(inquiry):
        guard.refuse("inquiries.privacy")
    return inquiry


@bp.route("/inquiries/<int:inquiry_id>")
@guard.require("inquiries.view")
def inquiry_detail(inquiry_id: int):
    inquiry = _inquiry_or_404(inquiry_id)
    staff = guard.current_staff()
    access_log.record("inquiry.view", staff_id=staff.id, member_id=inquiry.member_id,
                      detail=f"상담 {inquiry.id} 열람")
    db.session.commit()
    return render_template("admin/support/inquiry.html", inquiry=inquiry, form=AnswerForm(seen=inquiry.answer_count),
                           errors={})


@bp.route("/inquiries/<int:inquiry_id>/answer", methods=["POST"])
@guard.require("inquiries.answer")
def inquiry_answer(inquiry_id: int):
    inquiry = _inquiry_or_404(inquiry_id)
    form = AnswerForm()
    staff = guard.current_staff()
    errors, status = {}, 400
    if not form.validate():
        errors = {"body": "보안 토큰이 만료되었습니다. 다시 시도해 주세요."}
    else:
        try:
            inquiry_services.answer(inquiry, form.body.data, staff_id=staff.id, close=form.close.data,
                                    seen=_seen(form.seen.data))
        except inquiry_services.AnswerConflict as exc:
            status, errors = 409, exc.errors
        except inquiry_services.InquiryError as exc:
            errors = exc.errors
        else:
            access_log.record("inquiry.answer", staff_id=staff.id, member_id=inquiry.member_id,
                              detail=f"상담 {inquiry.id} 답변")
            db.session.commit()
            flash("답변을 등록했습니다.", "success")
            return redirect(url_for("admin.inquiry_detail", inquiry_id=inquiry.id))
    form.seen.data = str(inquiry.answer_count)  # the page now shows every answer recorded
    return render_template("admin/support/inquiry.html", inquiry=inquiry, form=form, errors=errors), status


@bp.route("/inquiries/<int:inquiry_id>/dispute", methods=["POST"])
@guard.require("inquiries.answer")
def inquiry_dispute(inquiry_id: int):
    """Mark or unmark a dispute (분쟁): an open dispute keeps the member's withdrawal waiting."""
    inquiry = _inquiry_or_404(inquiry_id)
    if not FlaskForm().validate():
        abort(400)
    inquiry_services.set_dispute(inquiry, request.form.get("dispute") == "1")
    flash("분쟁 표시를 바꾸었습니다.", "success")
    return redirect(url_for("admin.inquiry_detail", inquiry_id=inquiry.id))


@bp.route("/notices", methods=["GET", "POST"])
@guard.require("notices.post")
def notices():
    """Post a notice; members who consented to notice alerts are told by email."""
    form = NoticeForm()
    errors = {}
    if request.method == "POST":
        title, body = (form.title.data or "").strip(), (form.body.data or "").strip()
        if not form.validate():
            errors["title"] = "보안 토큰이 만료되었습니다. 다시 시도해 주세요."
        if not title:
            errors["title"] = "제목을 입력해 주세요."
        elif len(title) > 200:
            errors["title"] = "제목은 200자 이내로 입력해 주세요."
        if not body:
            errors["body"] = "내용을 입력해 주세요."
        if not errors:
            notice = notice_services.post(title, body, staff_id=guard.current_staff().id)
            db.session.commit()
            flash("공지사항을 게시했습니다.", "success")
            return redirect(url_for("support.notice_detail", notice_id=notice.id))
    return render_template("admin/support/notices.html", form=form, errors=errors,
                           notices=notice_services.latest(30)), (400 if errors else 200)
