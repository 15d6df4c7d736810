"""Staff area: retention schedule, duties, the destruction ledger (파기 관리대장),
holds, and the audited archive lookup by order number (분리보관 열람).

Reading the archive needs ``archive.view``, a fresh re-authentication and a stated
reason; every read is a row in the staff access log.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from ...privacy import labels
from ...extensions import db
from ...privacy import access_log
from ...privacy.registry import DESTRUCTION_DEADLINE_DAYS, REGISTRY
from ...privacy.retention import archive, ledger, services
from ...staff import bp, guard



class ArchiveLookupForm(FlaskForm):
    order_no = StringField("주문번호", validators=[
        DataRequired("주문번호를 입력해 주세요."), Length(max=64, message="64자 이내로 입력해 주세요."),
        Regexp(r"^[A-Za-z0-9_-]+$", message="주문번호는 영문, 숫자, -, _ 만 쓸 수 있습니다.")])
    reason = TextAreaField("열람 사유", validators=[DataRequired("열람 사유를 입력해 주세요."),
                                                Length(max=500, message="500자 이내로 입력해 주세요.")])


class HoldForm(FlaskForm):
    record_class = SelectField("기록 구분")
    ref = StringField("주문번호", validators=[DataRequired("주문번호를 입력해 주세요."), Length(max=64)])
    reason = TextAreaField("보류 사유", validators=[DataRequired("보류 사유를 입력해 주세요."), Length(max=200)])


def _hold_form(data=None) -> HoldForm:
    form = HoldForm(data) if data is not None else HoldForm()
    # Only classes whose records carry an order number can be held by one (registry.RecordClass).
    form.record_class.choices = [(rc.key, rc.label_ko) for rc in REGISTRY.ordered_record_classes() if rc.holdable]
    return form


def _schedule() -> list[dict]:
    return [{"key": rc.key, "label": rc.label_ko, "basis": rc.legal_basis_ko,
             "period": rc.retention.describe("ko"), "starts": labels.korean("retention_start", rc.retention.starts),
             "end": labels.korean("retention_on_withdrawal", rc.on_withdrawal)}
            for rc in REGISTRY.ordered_record_classes()]


def overdue_banner(staff) -> str | None:
    """The staff-page banner naming overdue retention duties, for roles that see retention."""
    if staff is None or not guard.has_permission("retention.view", staff):
        return None
    return services.overdue_banner()


@bp.route("/retention")
@guard.require("retention.view")
def retention():
    """Duties (overdue, upcoming, held), holds, the retention schedule and the ledger."""
    return render_template(
        "admin/retention/index.html", overdue=services.overdue(limit=200), upcoming=services.upcoming(200),
        held=services.held(200), holds=services.active_holds(), schedule=_schedule(),
        ledger_rows=ledger.recent(300),
        deadline_days=DESTRUCTION_DEADLINE_DAYS, hold_form=_hold_form(),
        can_archive=guard.has_permission("archive.view"))


@bp.route("/retention/archive", methods=["GET", "POST"])
@guard.require("archive.view")
@guard.reauth_required
def retention_archive():
    """Look up archived records by order number, for a stated reason (logged)."""
    form = ArchiveLookupForm()
    records = None
    if request.method == "POST":
        if not form.validate():
            return render_template("admin/retention/archive.html", form=form, records=None), 400
        staff = guard.current_staff()
        found = archive.lookup(form.order_no.data)
        access_log.record("archive.view", staff_id=staff.id, reason=form.reason.data.strip(),
                          detail=f"분리보관 주문번호 {form.order_no.data.strip()} 열람 ({len(found)}건)")
        db.session.commit()
        records = [{"r": r, "label": getattr(REGISTRY.record_classes.get(r.record_class), "label_ko", r.record_class),
                    "payload": archive.read_payload(r)} for r in found]
        return render_template("admin/retention/archive.html", form=form, records=records), 200, \
            {"Cache-Control": "no-store"}
    return render_template("admin/retention/archive.html", form=form, records=records)


@bp.route("/retention/holds", methods=["POST"])
@guard.require("archive.view")
def retention_hold():
    """Hold a record under an open dispute (it stops expiring; the hold is shown)."""
    form = _hold_form()
    if not form.validate():
        for errors in form.errors.values():
            for e in errors:
                flash(e, "error")
        return redirect(url_for("admin.retention"))
    staff = guard.current_staff()
    services.place_hold(form.record_class.data, form.ref.data.strip(), form.reason.data, staff_id=staff.id)
    access_log.record("retention.hold", staff_id=staff.id, reason=form.reason.data.strip(),
                      detail=f"{form.record_class.data} {form.ref.data.strip()} 보류")
    db.session.commit()
    flash("보류를 등록했습니다.", "success")
    return redirect(url_for("admin.retention"))


@bp.route("/retention/holds/<int:hold_id>/release", methods=["POST"])
@guard.require("archive.view")
def retention_release(hold_id: int):
    """Release a hold; the record expires at the next sweep if its period is over."""
    FlaskForm().validate_on_submit()
    staff = guard.current_staff()
    hold = services.release_hold(hold_id, staff_id=staff.id)
    if hold is None:
        flash("보류를 찾을 수 없습니다.", "error")
    else:
        access_log.record("retention.release", staff_id=staff.id, detail=f"{hold.record_class} {hold.ref} 보류 해제")
        db.session.commit()
        flash("보류를 해제했습니다.", "success")
    return redirect(url_for("admin.retention"))
