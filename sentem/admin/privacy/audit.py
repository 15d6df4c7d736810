"""Quarterly self-audit reports in the staff area: list, view (charts), run, download."""
from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ...extensions import db
from ...privacy import access_log
from ...privacy import audit as audit_core
from ...privacy.audit_models import AuditReport
from ...staff import bp, guard


@bp.route("/audit")
@guard.require("audit.view")
def audit_reports():
    rows = db.session.execute(select(AuditReport).order_by(AuditReport.created_at.desc())).scalars().all()
    return render_template("admin/audit/list.html", rows=rows, default_quarter=audit_core.previous_quarter())


@bp.route("/audit/run", methods=["POST"])
@guard.require("audit.run")
def audit_run():
    quarter = (request.form.get("quarter") or "").strip().upper()
    try:
        audit_core.quarter_bounds(quarter)
    except ValueError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.audit_reports"))
    staff = guard.current_staff()
    row = audit_core.build_and_store(quarter, staff_id=staff.id)
    access_log.record("audit.run", staff_id=staff.id, detail=f"{quarter} 보고서 #{row.id}")
    db.session.commit()
    return redirect(url_for("admin.audit_report", report_id=row.id))


def _report_or_404(report_id: int) -> AuditReport:
    row = db.session.get(AuditReport, report_id)
    if row is None:
        abort(404)
    return row


@bp.route("/audit/<int:report_id>")
@guard.require("audit.view")
def audit_report(report_id: int):
    row = _report_or_404(report_id)
    report = json.loads(row.summary_json)
    return render_template("admin/audit/detail.html", row=row, **audit_core.render_context(report))


@bp.route("/audit/<int:report_id>/download.<fmt>")
@guard.require("audit.view")
def audit_download(report_id: int, fmt: str):
    row = _report_or_404(report_id)
    if fmt not in ("html", "csv"):
        abort(404)
    access_log.record("audit.download", staff_id=guard.current_staff().id, detail=f"#{row.id} {fmt}")
    db.session.commit()
    body, mime = (row.html, "text/html") if fmt == "html" else (row.csv, "text/csv")
    return Response(body, mimetype=f"{mime}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="sentem-audit-{row.quarter}-{row.id}.{fmt}"'})
