"""Staff area: policy and terms versions, publishing (privacy officer), and the registers.

Publishing obeys the 7-day notice rule (policy §8): the effective date must be at
least POLICY_NOTICE_DAYS after today's notice (terms changes marked as disadvantaging
members: TERMS_DISADVANTAGE_NOTICE_DAYS), else the form says so. Any register change
prepares a draft version with its notice, published the same way. Rows the
configuration brings (carriers, payment gateway, mailer) change with the configuration only.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField

from .. import inputs
from ..extensions import db
from ..policy import diff, services, terms
from ..privacy import access_log, policy_versions, registers
from ..privacy.deadlines import TERMS_DISADVANTAGE_NOTICE_DAYS
from ..privacy.policy_versions import TERMS
from ..privacy.registry import POLICY_NOTICE_DAYS
from ..staff import bp, guard

LABELS = {
    "entrustee": "수탁자", "tasks_ko": "위탁 업무 내용", "tasks_en": "위탁 업무 내용 (영문)",
    "period_ko": "기간", "period_en": "기간 (영문)", "recipient": "제공받는 자", "purpose_ko": "제공 목적",
    "purpose_en": "제공 목적 (영문)", "items_ko": "제공 항목", "items_en": "제공 항목 (영문)",
    "basis_ko": "근거 (별도 동의 또는 법률)", "basis_en": "근거 (영문)",
}
ENTRUSTMENT_LABELS = {**LABELS, "items_ko": "위탁하는 항목", "items_en": "위탁하는 항목 (영문)"}
REQUIRED = {"entrustment": {"entrustee", "tasks_ko", "period_ko"},
            "provision": {"recipient", "purpose_ko", "items_ko", "period_ko", "basis_ko"}}


class PublishForm(FlaskForm):
    effective = StringField("시행일 (YYYY-MM-DD)")
    summary = TextAreaField("변경 내용 요약")


class TermsPublishForm(PublishForm):
    disadvantageous = BooleanField("회원에게 불리한 변경")


def _terms_panel(form=None, error=None) -> dict:
    current = policy_versions.current_version(document=TERMS)
    return {"current": current, "draft": policy_versions.open_draft(TERMS), "needed": services.revision_needed(TERMS),
            "pending": diff.between(current.content if current else None, terms.snapshot(), terms.as_lines),
            "versions": policy_versions.all_versions(published_only=False, document=TERMS),
            "form": form or TermsPublishForm(effective=services.earliest_effective_date(document=TERMS).isoformat()),
            "error": error, "disadvantage_days": TERMS_DISADVANTAGE_NOTICE_DAYS}


def _page(form=None, error=None, status=200, terms_panel=None):
    current = policy_versions.current_version()
    draft = policy_versions.open_draft()
    live = policy_versions.snapshot()
    pending = diff.between(current.content if current else None, live)
    return render_template(
        "admin/policy/index.html", versions=policy_versions.all_versions(published_only=False),
        current=current, draft=draft, pending=pending, changed=services.live_differs_from_current(),
        form=form or PublishForm(effective=services.earliest_effective_date().isoformat()),
        error=error, earliest=services.earliest_effective_date(), notice_days=POLICY_NOTICE_DAYS,
        needed=services.revision_needed(), sync_due=registers.configured_differs(), entrustments=registers.entrustments(), provisions=registers.provisions(),
        terms=terms_panel or _terms_panel()), status


@bp.route("/policy")
@guard.require("policy.view")
def policy():
    return _page()


@bp.route("/policy/publish", methods=["POST"])
@guard.require("policy.publish")
def policy_publish():
    form = PublishForm()
    if not form.validate():
        return _page(form, "보안 토큰이 만료되었습니다. 다시 시도해 주세요.", 400)
    effective = inputs.parse_date(form.effective.data)
    if effective is None:
        return _page(form, "시행일을 YYYY-MM-DD 형식으로 입력해 주세요.", 400)
    try:
        version = services.publish(effective, form.summary.data, staff_id=guard.current_staff().id)
    except services.PublishError as exc:
        return _page(form, str(exc), 400)
    access_log.record("policy.publish", staff_id=guard.current_staff().id,
                      detail=f"처리방침 {version.label} 게시, 시행일 {effective.isoformat()}")
    db.session.commit()
    flash(f"{version.label}을(를) 게시했습니다. 공지사항에 올렸고 {effective.isoformat()}부터 시행됩니다.", "success")
    return redirect(url_for("admin.policy"))


@bp.route("/policy/terms/publish", methods=["POST"])
@guard.require("policy.publish")
def terms_publish():
    """Publish the terms with today's numbers; a change marked disadvantageous needs 30 days' notice."""
    form = TermsPublishForm()
    if not form.validate():
        return _page(terms_panel=_terms_panel(form, "보안 토큰이 만료되었습니다. 다시 시도해 주세요."), status=400)
    effective = inputs.parse_date(form.effective.data)
    if effective is None:
        return _page(terms_panel=_terms_panel(form, "시행일을 YYYY-MM-DD 형식으로 입력해 주세요."), status=400)
    try:
        version = services.publish(effective, form.summary.data, staff_id=guard.current_staff().id, document=TERMS,
                                   disadvantageous=bool(form.disadvantageous.data))
    except services.PublishError as exc:
        return _page(terms_panel=_terms_panel(form, str(exc)), status=400)
    access_log.record("policy.publish", staff_id=guard.current_staff().id,
                      detail=f"이용약관 {version.label} 게시, 시행일 {effective.isoformat()}")
    db.session.commit()
    flash(f"이용약관 {version.label}을(를) 게시했습니다. 공지사항에 올렸고 {effective.isoformat()}부터 시행됩니다.", "success")
    return redirect(url_for("admin.policy"))


def _kind_or_404(kind: str):
    if kind not in registers.MODELS:
        abort(404)
    return registers.MODELS[kind]


@bp.route("/policy/registers/<kind>/new", methods=["GET", "POST"])
@bp.route("/policy/registers/<kind>/<int:entry_id>", methods=["GET", "POST"])
@guard.require("registers.edit")
def register_entry(kind: str, entry_id: int | None = None):
    """Add or change an entrustment or provision; the change prepares a draft version."""
    model, fields = _kind_or_404(kind)
    entry = db.session.get(model, entry_id) if entry_id else None
    if entry_id and (entry is None or getattr(entry, "source", None)):
        abort(404)  # configuration rows change with the configuration (registers.sync_configured)
    labels = ENTRUSTMENT_LABELS if kind == "entrustment" else LABELS
    values = {f: (getattr(entry, f) if entry else "") for f in fields}
    errors = {}
    if request.method == "POST":
        if not FlaskForm().validate():
            abort(400)
        values = {f: (request.form.get(f) or "").strip()[:2000] for f in fields}
        errors = {f: f"{labels[f]}을(를) 입력해 주세요." for f in fields if f in REQUIRED[kind] and not values[f]}
        if not errors:
            registers.save(kind, values, entry_id)
            access_log.record("registers.edit", staff_id=guard.current_staff().id,
                              detail=f"{kind} 등록부 {'변경' if entry_id else '추가'}")
            db.session.commit()
            flash("등록부를 바꾸었습니다. 처리방침 초안이 준비되었으니 시행일을 정해 게시해 주세요.", "success")
            return redirect(url_for("admin.policy"))
    return render_template("admin/policy/register_entry.html", kind=kind, entry=entry, fields=fields,
                           values=values, errors=errors, labels=labels), (400 if errors else 200)


@bp.route("/policy/registers/<kind>/<int:entry_id>/delete", methods=["POST"])
@guard.require("registers.edit")
def register_delete(kind: str, entry_id: int):
    if not FlaskForm().validate():
        abort(400)
    model, _fields = _kind_or_404(kind)
    if getattr(db.session.get(model, entry_id), "source", None) or not registers.delete(kind, entry_id):
        abort(404)
    access_log.record("registers.edit", staff_id=guard.current_staff().id, detail=f"{kind} 등록부 삭제")
    db.session.commit()
    flash("등록부에서 삭제했습니다. 처리방침 초안을 게시해 주세요.", "success")
    return redirect(url_for("admin.policy"))
