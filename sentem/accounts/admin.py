"""Members (masked by default): list, exact search through the blind index, detail,
one-record unmasking with a reason, and the justified CSV download.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from .. import inputs
from ..privacy import labels
from ..extensions import db
from ..privacy import access_log
from ..staff import bp, downloads, guard
from ..staff.forms import ReasonForm
from . import admin_search
from .admin_rows import PAGE_SIZE, detail_fields, masked_row, plain_row, withhold_suspended
from .models import Member

SEARCH_KINDS = [("login_id", "로그인 ID"), ("email", "이메일"), ("mobile", "휴대전화")]


class SearchForm(FlaskForm):
    """One exact value of one indexed item, sent by POST (never in a URL or a server log)."""

    kind = SelectField("검색 항목", choices=SEARCH_KINDS)
    q = StringField("검색어", validators=[Optional(), Length(max=100)])


@bp.route("/members", methods=["GET", "POST"])
@guard.require("members.view")
def members():
    """Masked list. A POST of ``kind`` + ``q`` searches one exact value through the blind index
    and leads to ``?search=<handle>`` (see admin_search), which pages like the full list."""
    staff = guard.current_staff()
    form = SearchForm()
    if request.method == "POST":
        return _search(form, staff)
    page = inputs.int_arg(request.args, "page", 1)
    stmt = select(Member).order_by(Member.id.desc())
    handle = request.args.get("search")
    found = admin_search.find(staff.id, handle) if handle else None
    if handle and found is None:
        flash("검색 결과가 만료되었습니다. 다시 검색해 주세요.", "error")
        return redirect(url_for("admin.members"))
    if found:
        form.kind.data = found[0]
        stmt = stmt.where(Member.id.in_(found[1]))
    total = db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = db.session.execute(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars().all()
    access_log.record("members.list", staff_id=staff.id,
                      detail=f"page={page} rows={len(rows)}" + (f" search={found[0]}" if found else ""))
    shown = withhold_suspended([masked_row(m) for m in rows])
    return render_template("admin/members/list.html", rows=shown, form=form, search=handle if found else None,
                           page=page, total=total, page_size=PAGE_SIZE, searched=bool(found),
                           kind_label=dict(SEARCH_KINDS).get(found[0]) if found else None,
                           download_form=ReasonForm())


def _search(form: SearchForm, staff):
    q = (form.q.data or "").strip()
    if not form.validate_on_submit():
        flash("검색 항목과 검색어(100자 이내)를 확인해 주세요.", "error")
        return redirect(url_for("admin.members"))
    if not q:
        return redirect(url_for("admin.members"))
    ids = db.session.execute(select(Member.id).where(getattr(Member, form.kind.data).matches(q))
                             .order_by(Member.id.desc()).limit(admin_search.MAX_IDS)).scalars().all()
    return redirect(url_for("admin.members", search=admin_search.start(staff.id, form.kind.data, ids)))


def _shown(row: dict) -> dict:
    """One member's row as staff may see it: optional items withheld while suspended."""
    return withhold_suspended([row])[0]


def _member_or_404(member_id: int):
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    return member


@bp.route("/members/<int:member_id>")
@guard.require("members.view")
def member_detail(member_id: int):
    member = _member_or_404(member_id)
    staff = guard.current_staff()
    access_log.record("members.view", staff_id=staff.id, member_id=member.id, detail="마스킹")
    return render_template("admin/members/detail.html", m=_shown(masked_row(member, full=True)), member=member,
                           fields=detail_fields(type(member)), unmasked=False, form=ReasonForm())


@bp.route("/members/<int:member_id>/unmask", methods=["POST"])
@guard.require("members.unmask")
@guard.reauth_required
def member_unmask(member_id: int):
    """Show one member's data unmasked, once, for the stated reason (logged)."""
    member = _member_or_404(member_id)
    form = ReasonForm()
    reason = downloads.reason_or_none(form)
    if reason is None:
        return render_template("admin/members/detail.html", m=_shown(masked_row(member, full=True)),
                               member=member, fields=detail_fields(type(member)), unmasked=False, form=form), 400
    row = _shown(plain_row(member))
    staff = guard.current_staff()
    access_log.record("unmask", staff_id=staff.id, member_id=member.id, reason=reason,
                      detail="회원 정보" + (" (선택 항목은 처리정지로 제외)" if row["suspended_optional"] else ""))
    db.session.commit()
    resp = render_template("admin/members/detail.html", m=row, member=member, fields=detail_fields(type(member)),
                           unmasked=True, form=ReasonForm(), reason=reason)
    return resp, 200, {"Cache-Control": "no-store"}


@bp.route("/members/download", methods=["POST"])
@guard.require("members.download")
@guard.reauth_required
def members_download():
    """All members as CSV, for a stated reason (logged with the row count)."""
    form = ReasonForm()
    reason = downloads.reason_or_none(form)
    if reason is None:
        return render_template("admin/members/list.html", rows=[], form=SearchForm(), page=1, total=0,
                               page_size=PAGE_SIZE, searched=False, download_form=form), 400
    members = db.session.execute(select(Member).order_by(Member.id)).scalars()
    header = ["회원번호", "로그인 ID", "이름", "이메일", "휴대전화", "상태", "가입일시"]
    rows = ([m.id, m.login_id, m.name, m.email, m.mobile, labels.korean("member_status", m.status),
             m.created_at.isoformat() if m.created_at else ""] for m in members if m.status != "withdrawn")
    return downloads.csv_response("members.csv", header, rows, kind="members", reason=reason)
