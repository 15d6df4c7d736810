"""Staff: a guest's deletion request (비회원 삭제 요청), listed in the rights queue, answered here.

``rights.view`` to see, ``rights.answer`` to answer: done (the orderer is destroyed now)
or refused with its legal basis. Every view and answer is in the staff access log.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from ..extensions import db
from ..privacy import access_log
from ..staff import bp, guard
from . import guest_requests


@bp.route("/rights/guest/<int:request_id>", methods=["GET", "POST"])
@guard.require("rights.view")
def guest_request(request_id: int):
    req = guest_requests.get(request_id)
    if req is None or req.kind != "deletion":
        abort(404)
    staff, error = guard.current_staff(), None
    if request.method == "POST":
        if not guard.has_permission("rights.answer"):
            guard.refuse("rights.answer")
        try:
            guest_requests.answer(req, staff_id=staff.id, outcome=request.form.get("outcome", ""),
                                  legal_basis=request.form.get("legal_basis", ""))
        except guest_requests.RequestError as exc:
            error = str(exc)
        else:
            access_log.record("rights.answer", staff_id=staff.id, detail=f"guest_request={req.id} outcome={req.outcome}")
            db.session.commit()
            flash("답변을 저장했습니다.", "success")
            return redirect(url_for("admin.guest_request", request_id=req.id))
    access_log.record("rights.view", staff_id=staff.id, detail=f"guest_request={req.id}")
    db.session.commit()
    return render_template("admin/rights/guest.html", req=req, error=error, keep_basis=guest_requests.KEEP_BASIS,
                           can_answer=guard.has_permission("rights.answer")), (400 if error else 200)
