"""The access-log viewer (접속기록 보기): filter by staff, member, action and day; check the chain."""
from __future__ import annotations

import datetime as _dt

from flask import render_template, request
from sqlalchemy import func, select

from ... import clock, inputs
from ...privacy import labels
from ...extensions import db
from ...privacy import access_log
from ...privacy.access_log import AccessLogEntry
from ...staff import bp, guard, people
from ...staff import services as staff_services

PAGE_SIZE = 100


@bp.route("/accesslog")
@guard.require("accesslog.view")
def accesslog():
    """Newest first, 100 a page; ``verify=1`` walks the whole chain."""
    args = request.args
    stmt = select(AccessLogEntry)
    staff_id, member_id = inputs.id_arg(args, "staff_id"), inputs.id_arg(args, "member_id")
    action = (args.get("action") or "").strip()
    start, end = inputs.parse_date(args.get("from")), inputs.parse_date(args.get("to"))
    if staff_id:
        stmt = stmt.where(AccessLogEntry.staff_id == staff_id)
    if member_id:
        stmt = stmt.where(AccessLogEntry.member_id == member_id)
    if action:
        stmt = stmt.where(AccessLogEntry.action == action)
    if start:
        stmt = stmt.where(AccessLogEntry.at >= clock.start_of_day(start))
    if end:
        stmt = stmt.where(AccessLogEntry.at < clock.start_of_day(end + _dt.timedelta(days=1)))
    page = inputs.int_arg(args, "page", 1)
    total = db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = db.session.execute(stmt.order_by(AccessLogEntry.seq.desc()).limit(PAGE_SIZE)
                              .offset((page - 1) * PAGE_SIZE)).scalars().all()
    broken = access_log.verify_detail() if args.get("verify") else None
    names = {s.id: s.display_name for s in staff_services.all_staff()}
    people.load(e.member_id for e in rows)  # the page's members in one read
    access_log.record("accesslog.view", staff_id=guard.current_staff().id,
                      detail=f"page={page} filters={','.join(k for k in ('staff_id', 'member_id', 'action') if args.get(k))}")
    return render_template("admin/accesslog.html", rows=rows, total=total, page=page, page_size=PAGE_SIZE,
                           names=names, verified=bool(args.get("verify")), broken=broken,
                           args=args, actions=sorted(labels.choices("access_action")))
