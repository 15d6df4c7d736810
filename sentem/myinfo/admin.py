"""Rights requests (권리 행사 요청) for staff: the queue with its 10-day deadlines (overdue
highlighted), one request with its documents, and the answer sent to the member."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from .. import clock
from ..privacy import labels
from ..accounts.models import Member
from ..extensions import db
from ..orders import guest_requests
from ..privacy import access_log
from ..privacy.registry import RIGHTS_ANSWER_DAYS
from ..security.fields import masked
from ..staff import bp, guard, people
from . import documents
from . import requests as rq
from .models import RightsRequest
from .services import RightsError


class AnswerForm(FlaskForm):
    """Outcome, answer text, and the legal basis whenever the answer is not a plain yes."""

    # The table's outcomes but ``cancelled``, which only the member chooses (by withdrawing the request).
    outcome = SelectField("처리 결과", choices=lambda: [SelectChoice(code, text) for code, text in
                                                    labels.choices("rights_outcome") if code != "cancelled"])
    answer = TextAreaField("답변 (회원에게 보이는 내용)")
    legal_basis = StringField("법적 근거 (거절·일부 처리·보류 시 필수)")


def _member(member_id: int):
    return db.session.get(Member, member_id)


def _request_or_404(request_id: int):
    req = db.session.get(RightsRequest, request_id)
    if req is None or req.channel == "online":
        abort(404)
    return req


def _email(member) -> str:
    # The detail page adds the masked email to the member's name and number (staff reply by mail).
    if member is None or member.status == "withdrawn":
        return ""
    return masked(member, "email")


@bp.route("/rights")
@guard.require("rights.view")
def rights():
    """The queue: open requests by deadline, then the latest answered ones."""
    show_all = request.args.get("all") == "1"
    rows = rq.queue(open_only=not show_all)[:200]
    staff = guard.current_staff()
    access_log.record("rights.list", staff_id=staff.id, detail=f"rows={len(rows)}")
    db.session.commit()
    people.load(r.member_id for r in rows)  # every name of the page in one read
    return render_template("admin/rights/list.html", rows=rows,
                           overdue={r.id for r in rows if rq.is_overdue(r)}, show_all=show_all,
                           answer_days=RIGHTS_ANSWER_DAYS,
                           guest_rows=guest_requests.queue(open_only=not show_all)[:200], now=clock.now())


@bp.route("/rights/<int:request_id>", methods=["GET", "POST"])
@guard.require("rights.view")
def rights_detail(request_id: int):
    """One request; staff with ``rights.answer`` answer it here."""
    req = _request_or_404(request_id)
    staff = guard.current_staff()
    form = AnswerForm()
    error = None
    if request.method == "POST":
        if not guard.has_permission("rights.answer"):
            guard.refuse("rights.answer")
        if form.validate_on_submit():
            try:
                rq.answer_request(req, staff_id=staff.id, outcome=form.outcome.data, answer=form.answer.data,
                                  legal_basis=form.legal_basis.data)
            except RightsError as exc:
                db.session.rollback()
                error = str(exc)
            else:
                access_log.record("rights.answer", staff_id=staff.id, member_id=req.member_id,
                                  detail=f"request={req.id} outcome={req.outcome}")
                db.session.commit()
                flash("답변을 저장하고 회원에게 알렸습니다.", "success")
                return redirect(url_for("admin.rights_detail", request_id=req.id))
    access_log.record("rights.view", staff_id=staff.id, member_id=req.member_id, detail=f"request={req.id}")
    db.session.commit()
    return render_template("admin/rights/detail.html", req=req, form=form, error=error,
                           email=_email(_member(req.member_id)), overdue=rq.is_overdue(req),
                           can_answer=guard.has_permission("rights.answer")), (400 if error else 200)


@bp.route("/rights/<int:request_id>/documents/<int:doc_id>")
@guard.require("rights.answer")
@guard.reauth_required
def rights_document(request_id: int, doc_id: int):
    """A proxy document, as an attachment of its sniffed type (never rendered inline)."""
    req = _request_or_404(request_id)
    doc = next((d for d in req.documents if d.id == doc_id), None)
    if doc is None:
        abort(404)
    staff = guard.current_staff()
    access_log.record("rights.document", staff_id=staff.id, member_id=req.member_id,
                      detail=f"request={req.id} document={doc.id}")
    db.session.commit()
    body = documents.open_sealed(doc.content_ct)
    return Response(body, mimetype=doc.media_type, headers={
        "Content-Disposition": f'attachment; filename="request-{req.id}-{doc.id}.{documents.extension(doc.media_type)}"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'none'; sandbox"})
