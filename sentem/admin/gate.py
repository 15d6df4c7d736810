"""The blueprint-wide gate: everything under /admin except the sign-in steps needs a
fully authenticated, active staff session that has not been idle for 30 minutes.

Staff sessions use their own session keys (see ``guard``), apart from Flask-Login's
member session: a member session alone on /admin answers 403; an anonymous visitor
is sent to /admin/login. Every admin view must declare its permission (``require``);
an undeclared view is refused, so a forgotten check fails closed.
"""
from __future__ import annotations

import datetime as _dt

from flask import abort, current_app, flash, has_request_context, redirect, request, session, url_for
from flask_login import current_user

from .. import clock
from ..extensions import db
from ..staff import bp, guard
from ..staff.nav import banners_for, nav_for
from ..staff.permissions import ROLES

PUBLIC_ENDPOINTS = frozenset({"admin.login", "admin.login_totp", "admin.login_enrol", "admin.static"})
LAST_SEEN_GRANULARITY = _dt.timedelta(minutes=1)


def _expired(stamp: str | None) -> bool:
    if not stamp:
        return True
    try:
        seen = _dt.datetime.fromisoformat(stamp)
    except ValueError:
        return True
    return clock.now() - seen > guard.IDLE_TIMEOUT


@bp.before_request
def gate():
    """Run before every admin view (see the module docstring)."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    staff_id = session.get(guard.SESSION_STAFF)
    if staff_id is None:
        if current_user.is_authenticated:
            abort(403)  # a member is not staff
        return redirect(url_for("admin.login", next=request.full_path))
    if _expired(session.get(guard.SESSION_SEEN)):
        for key in guard.STAFF_KEYS:
            session.pop(key, None)
        flash("30분 동안 사용하지 않아 자동으로 로그아웃되었습니다. 다시 로그인해 주세요.", "error")
        return redirect(url_for("admin.login", next=request.full_path))
    staff = guard.current_staff()
    if staff is None:  # deactivated since sign-in
        for key in guard.STAFF_KEYS:
            session.pop(key, None)
        return redirect(url_for("admin.login"))
    now = clock.now()
    session[guard.SESSION_SEEN] = now.isoformat()
    if staff.last_seen_at is None or now - clock.as_utc(staff.last_seen_at) > LAST_SEEN_GRANULARITY:
        staff.last_seen_at = now
        db.session.commit()
    view = current_app.view_functions.get(request.endpoint)
    permission = getattr(view, "required_permission", None)
    if view is not None and permission is None:
        guard.refuse("(선언되지 않음)")
    return None


@bp.after_request
def commit_access_log(response):
    """Rows the view appended to the access log are kept even if the view only read."""
    if getattr(request, "_sentem_access_log_pending", False) and response.status_code < 500:
        db.session.commit()
    return response


@bp.app_context_processor
def admin_context():
    """Templates of the staff area see the signed-in staff member and the nav."""

    def staff():
        return guard.current_staff() if has_request_context() else None

    def admin_nav():
        return nav_for(staff())

    def staff_can(permission: str) -> bool:
        return staff() is not None and guard.has_permission(permission, staff())

    def staff_role_label(role: str) -> str:
        return ROLES.get(role, (role,))[0]

    def admin_banners():
        return banners_for(staff())

    return {"admin_nav": admin_nav, "admin_banners": admin_banners, "current_staff": staff, "staff_can": staff_can,
            "staff_role_label": staff_role_label}
