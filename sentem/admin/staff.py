"""Staff management (privacy officer): create accounts, change roles, revoke, unlock.

Every grant, change and revocation is a ``RoleChange`` row (kept 3 years) and an
access-log entry; role changes need a fresh re-authentication and a reason.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from ..extensions import db
from ..privacy import access_log
from ..staff import bp, guard
from ..staff import services as staff_services
from ..staff.models import RoleChange, Staff
from ..staff.permissions import ROLES
from .forms import DeactivateForm, RoleChangeForm, StaffCreateForm


def _staff_or_404(staff_id: int) -> Staff:
    staff = db.session.get(Staff, staff_id)
    if staff is None:
        abort(404)
    return staff


@bp.route("/staff")
@guard.require("staff.manage")
def staff():
    """All staff accounts with role, state and last use."""
    changes = db.session.execute(select(RoleChange).order_by(RoleChange.at.desc()).limit(50)).scalars().all()
    return render_template("admin/staff/list.html", staff_list=staff_services.all_staff(), changes=changes,
                           roles=ROLES, form=StaffCreateForm(), names=_names())


def _names() -> dict[int, str]:
    return {s.id: s.display_name for s in staff_services.all_staff()}


@bp.route("/staff/new", methods=["POST"])
@guard.require("staff.manage")
@guard.reauth_required
def staff_create():
    """Create an account; the generated password and TOTP key are shown once."""
    form = StaffCreateForm()
    actor = guard.current_staff()
    if form.validate_on_submit():
        try:
            new, password, secret = staff_services.create_staff(
                form.login_id.data, form.role.data, name=form.name.data, actor_id=actor.id,
                reason=guard.clean_reason(form.reason.data))
        except staff_services.StaffError as exc:
            form.login_id.errors.append(str(exc))
        else:
            access_log.record("staff.create", staff_id=actor.id, reason=guard.clean_reason(form.reason.data),
                              detail=f"직원 {new.id} 생성, 역할 {new.role}")
            db.session.commit()
            return render_template("admin/staff/created.html", new=new, password=password, secret=secret,
                                   uri=staff_services.provisioning_uri(new), roles=ROLES)
    return render_template("admin/staff/list.html", staff_list=staff_services.all_staff(), changes=[],
                           roles=ROLES, form=form, names=_names()), 400


@bp.route("/staff/<int:staff_id>")
@guard.require("staff.manage")
def staff_detail(staff_id: int):
    target = _staff_or_404(staff_id)
    changes = db.session.execute(select(RoleChange).filter_by(staff_id=target.id)
                                 .order_by(RoleChange.at.desc())).scalars().all()
    return render_template("admin/staff/detail.html", target=target, changes=changes, roles=ROLES,
                           role_form=RoleChangeForm(role=target.role), off_form=DeactivateForm(),
                           names=_names(), locked=staff_services.is_locked(target))


@bp.route("/staff/<int:staff_id>/role", methods=["POST"])
@guard.require("staff.manage")
@guard.reauth_required
def staff_change_role(staff_id: int):
    target = _staff_or_404(staff_id)
    form = RoleChangeForm()
    actor = guard.current_staff()
    if form.validate_on_submit():
        try:
            old = target.role
            staff_services.change_role(target, form.role.data, actor_id=actor.id,
                                       reason=guard.clean_reason(form.reason.data))
        except staff_services.StaffError as exc:
            flash(str(exc), "error")
        else:
            access_log.record("staff.role", staff_id=actor.id, reason=guard.clean_reason(form.reason.data),
                              detail=f"직원 {target.id}: {old} → {target.role}")
            db.session.commit()
            flash("역할을 바꿨습니다.", "success")
            return redirect(url_for("admin.staff_detail", staff_id=target.id))
    else:
        for errors in form.errors.values():
            for e in errors:
                flash(e, "error")
    return redirect(url_for("admin.staff_detail", staff_id=target.id))


@bp.route("/staff/<int:staff_id>/deactivate", methods=["POST"])
@guard.require("staff.manage")
@guard.reauth_required
def staff_deactivate(staff_id: int):
    target = _staff_or_404(staff_id)
    form = DeactivateForm()
    actor = guard.current_staff()
    if form.validate_on_submit():
        try:
            staff_services.deactivate(target, actor_id=actor.id, reason=guard.clean_reason(form.reason.data))
        except staff_services.StaffError as exc:
            flash(str(exc), "error")
        else:
            access_log.record("staff.revoke", staff_id=actor.id, reason=guard.clean_reason(form.reason.data),
                              detail=f"직원 {target.id} 권한 회수")
            db.session.commit()
            flash("계정을 비활성화하고 모든 권한을 회수했습니다.", "success")
    else:
        for errors in form.errors.values():
            for e in errors:
                flash(e, "error")
    return redirect(url_for("admin.staff_detail", staff_id=target.id))


@bp.route("/staff/<int:staff_id>/unlock", methods=["POST"])
@guard.require("staff.manage")
def staff_unlock(staff_id: int):
    target = _staff_or_404(staff_id)
    staff_services.unlock(target)
    access_log.record("staff.unlock", staff_id=guard.current_staff().id, detail=f"직원 {target.id} 잠금 해제")
    db.session.commit()
    flash("잠금을 해제했습니다.", "success")
    return redirect(url_for("admin.staff_detail", staff_id=target.id))
