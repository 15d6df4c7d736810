"""``/me/sessions``: the member's signed-in devices, each ended on its own or all but this one."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from .. import clock
from . import bp, sessions
from .auth import member_required


class SessionsForm(FlaskForm):
    """The buttons of the page: nothing but the CSRF token."""


@bp.get("/me/sessions")
@member_required
def sessions_page():
    here = sessions.current_hash()
    rows = [{"id": s.id_hash, "device": s.device if s.device not in ("", "?") else _("알 수 없는 기기"),
             "created": clock.to_kst(s.created_at).strftime("%Y-%m-%d %H:%M"),
             "last_seen": clock.to_kst(s.last_seen_at).strftime("%Y-%m-%d %H:%M"),
             "current": s.id_hash == here}
            for s in sessions.active(current_user.id)]
    return render_template("accounts/sessions.html", rows=rows, form=SessionsForm())


@bp.post("/me/sessions/logout-others")
@member_required
def sessions_logout_others():
    if not SessionsForm().validate_on_submit():
        abort(400)
    n = sessions.end_member_sessions(current_user.id, keep_current=True)
    flash(_("다른 기기 %(n)s곳에서 로그아웃했습니다.", n=n), "success")
    return redirect(url_for("accounts.sessions_page"))


@bp.post("/me/sessions/<session_id>/end")
@member_required
def sessions_end_one(session_id):
    if not SessionsForm().validate_on_submit():
        abort(400)
    if session_id == sessions.current_hash():
        return redirect(url_for("accounts.sessions_page"))  # this device logs out with the logout button
    if not sessions.end_one(current_user.id, session_id[:64]):
        abort(404)
    flash(_("그 기기에서 로그아웃했습니다."), "success")
    return redirect(url_for("accounts.sessions_page"))
