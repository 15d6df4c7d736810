"""The access-log viewer (접속기록 보기): filter by staff, member, action and day; check the chain."""
from __future__ import annotations

import datetime as _dt

from flask import render_template, request
from sqlalchemy import func, select

from ... import clock, inputs
from ...extensions import db
from ...privacy import access_log
from ...privacy.access_log import AccessLogEntry
from ...staff import bp, guard
from ...staff import services as staff_services

PAGE_SIZE = 100
ACTION_KO = {
    "login": "로그인", "login_failed": "로그인 실패", "logout": "로그아웃", "reauth": "재인증",
    "reauth_failed": "재인증 실패", "forbidden": "권한 없음(거부)", "unmask": "마스킹 해제", "download": "내려받기",
    "members.list": "회원 목록 조회", "members.view": "회원 상세 조회", "accesslog.view": "접속기록 조회",
    "staff.create": "직원 생성", "staff.role": "역할 변경", "staff.revoke": "권한 말소", "staff.unlock": "잠금 해제", "staff.reset": "인증 수단 재설정",
    "review.signoff": "월간 점검 승인", "audit.run": "자체 감사 실행", "audit.download": "감사 보고서 내려받기",
    "plan.ack": "내부관리계획 확인", "plan.publish": "내부관리계획 개정",
    "shipping.view": "배송 정보 조회", "rights.list": "권리 요청 목록 조회", "rights.view": "권리 요청 조회",
    "rights.answer": "권리 요청 처리", "rights.document": "위임 서류 열람", "inquiry.view": "문의 조회",
    "inquiry.answer": "문의 답변", "policy.publish": "처리방침 게시", "registers.edit": "등록부 수정",
    "marketing.send": "광고성 정보 발송", "archive.view": "분리보관 기록 열람", "retention.hold": "파기 보류",
    "retention.release": "파기 보류 해제", "orders.view": "주문 조회", "orders.manage": "주문 처리",
}


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
    access_log.record("accesslog.view", staff_id=guard.current_staff().id,
                      detail=f"page={page} filters={','.join(k for k in ('staff_id', 'member_id', 'action') if args.get(k))}")
    return render_template("admin/accesslog.html", rows=rows, total=total, page=page, page_size=PAGE_SIZE,
                           names=names, action_ko=ACTION_KO, verified=bool(args.get("verify")), broken=broken,
                           args=args, actions=sorted(ACTION_KO.items()))
