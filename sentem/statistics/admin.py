"""Staff area: usage statistics (이용 통계), for the privacy officer and marketing staff.

``statistics.view`` shows the aggregates with their charts; ``statistics.download``
gives the same published figures as CSV, for a stated reason, logged in the staff
access log with the row count (``staff.downloads``). Cells under 5 members read "<5"
on both. ``statistics.run`` (the privacy officer) runs the job now (it otherwise runs nightly).
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from ..jobs import enqueue
from ..extensions import db
from ..privacy import access_log
from ..staff import bp, downloads, guard
from ..staff.forms import ReasonForm
from . import build, reports


def _render(form: ReasonForm, status: int = 200):
    return render_template("statistics/index.html", data=reports.page(), form=form), status


@bp.route("/statistics")
@guard.require("statistics.view")
def statistics():
    """The statistics screen: tables and charts of the last run, hidden cells as "<5"."""
    return _render(ReasonForm())


@bp.route("/statistics/download", methods=["POST"])
@guard.require("statistics.download")
def statistics_download():
    """The published figures as CSV (hidden cells as "<5"), for a stated reason (logged)."""
    form = ReasonForm()
    reason = downloads.reason_or_none(form)
    if reason is None:
        return _render(form, 400)
    return downloads.csv_response("statistics.csv", ["표", "항목", "값"], reports.csv_rows(), kind="statistics",
                                  reason=reason)


@bp.route("/statistics/run", methods=["POST"])
@guard.require("statistics.run")
def statistics_run():
    """Rebuild the statistics now (the same job the schedule runs nightly)."""
    access_log.record("statistics.run", staff_id=guard.current_staff().id, detail="이용 통계 즉시 집계 요청")
    db.session.commit()
    enqueue(build.nightly_job)
    flash("집계를 요청했습니다. 끝나면 이 화면에 반영됩니다.", "success")
    return redirect(url_for("admin.statistics"))
