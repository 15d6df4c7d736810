"""Staff sign-in: password, then TOTP (enrolment by QR code the first time), logout, re-auth.

Failures of either factor count toward one lockout (5 → locked for 30 minutes).
Messages never say which factor or whether the login ID exists.
"""
from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from flask import abort, flash, redirect, render_template, request, session, url_for

from .. import clock
from ..extensions import db
from ..privacy import access_log
from ..safe_next import safe_next
from ..security import throttle
from ..staff import bp, guard
from ..staff import services as staff_services
from ..staff import sessions as staff_sessions
from ..staff.models import Staff
from .forms import LoginForm, ReauthForm, TotpForm

GENERIC = "로그인 ID 또는 비밀번호가 올바르지 않습니다."
LOCKED = "로그인 시도가 여러 번 실패해 계정이 잠겼습니다. 30분 후 다시 시도하거나 개인정보보호책임자에게 문의해 주세요."


def _clear_staff_session() -> None:
    for key in guard.STAFF_KEYS:
        session.pop(key, None)


def _pending_staff() -> Staff | None:
    """The staff member whose password step this session passed, while it is still valid
    (5 minutes, same credential version: a reset in between ends it)."""
    staff_id = session.get(guard.SESSION_PENDING)
    staff = db.session.get(Staff, staff_id) if staff_id else None
    if staff is None or not staff.active:
        return None
    if not staff_services.pending_valid(staff, session.get(guard.SESSION_PENDING_AT),
                                        session.get(guard.SESSION_PENDING_VERSION)):
        _clear_staff_session()
        return None
    return staff


@bp.route("/login", methods=["GET", "POST"])
def login():
    """First factor: login ID and password."""
    # Counted before anything else, so a flood never reaches the password hash (shared store).
    if request.method == "POST" and not throttle.ip_allowed("staff-login"):
        abort(429)
    form = LoginForm()
    if form.validate_on_submit():
        staff = staff_services.find_by_login_id(form.login_id.data)
        if staff is None or not staff.active:
            # An unknown or inactive ID locks like an account does: "locked" tells nothing.
            if staff_services.unknown_id_locked(form.login_id.data):
                flash(LOCKED, "error")
                return render_template("admin/login.html", form=form)
            staff_services.burn_password_check(form.password.data)
            access_log.record("login_failed", staff_id=staff.id if staff else None, detail="없는 ID 또는 비활성 계정")
            db.session.commit()
            flash(LOCKED if staff_services.note_unknown_failure(form.login_id.data) else GENERIC, "error")
        elif staff_services.is_locked(staff):
            flash(LOCKED, "error")
        elif not staff_services.check_password(staff, form.password.data):
            access_log.record("login_failed", staff_id=staff.id, detail="비밀번호 불일치")
            locked = staff_services.note_failure(staff)
            flash(LOCKED if locked else GENERIC, "error")
        else:
            staff_services.note_success(staff, first_factor_only=True)
            db.session.commit()
            _clear_staff_session()
            session[guard.SESSION_PENDING] = staff.id
            session[guard.SESSION_PENDING_AT] = clock.now().isoformat()
            session[guard.SESSION_PENDING_VERSION] = staff.credential_version or 0
            nxt = safe_next(request.args.get("next"), "")
            target = "admin.login_enrol" if staff.totp_enrolled_at is None else "admin.login_totp"
            return redirect(url_for(target, next=nxt or None))
    return render_template("admin/login.html", form=form)


def _second_factor(template: str, extra: dict):
    staff = _pending_staff()
    if staff is None:
        if request.method == "POST":
            flash("로그인 단계가 만료되었습니다. 처음부터 다시 로그인해 주세요.", "error")
        return redirect(url_for("admin.login"))
    form = TotpForm()
    if form.validate_on_submit():
        if staff_services.is_locked(staff):
            _clear_staff_session()
            flash(LOCKED, "error")
            return redirect(url_for("admin.login"))
        if not staff_services.consume_totp(staff, form.code.data):
            access_log.record("login_failed", staff_id=staff.id, detail="인증 코드 불일치")
            if staff_services.note_failure(staff):
                _clear_staff_session()
                flash(LOCKED, "error")
                return redirect(url_for("admin.login"))
            form.code.errors.append("인증 코드가 올바르지 않습니다.")
        else:
            staff_services.note_success(staff)
            # Committed before the access log's chain head is locked: failures take the head
            # first, then the staff row; holding the row while waiting for the head deadlocks.
            db.session.commit()
            _clear_staff_session()
            session[staff_sessions.SESSION_TOKEN] = staff_sessions.issue(staff.id)
            session[guard.SESSION_STAFF] = staff.id
            session[guard.SESSION_SEEN] = clock.now().isoformat()
            guard.mark_reauth()
            access_log.record("login", staff_id=staff.id)
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("admin.index")))
    return render_template(template, form=form, staff=staff, **extra(staff))


@bp.route("/login/totp", methods=["GET", "POST"])
def login_totp():
    """Second factor: the 6-digit code from the authenticator app."""
    return _second_factor("admin/login_totp.html", lambda staff: {})


@bp.route("/login/enrol", methods=["GET", "POST"])
def login_enrol():
    """First sign-in: enrol the authenticator from a QR code, then enter a code."""
    staff = _pending_staff()
    if staff is not None and staff.totp_enrolled_at is not None:
        return redirect(url_for("admin.login_totp", next=request.args.get("next")))
    return _second_factor("admin/login_enrol.html", lambda s: {"qr": qr_data_uri(staff_services.provisioning_uri(s)),
                                                                "secret": s.totp_secret})


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG data: URI (rendered on the server; no scripts)."""
    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buf = io.BytesIO()
    img.save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


@bp.route("/logout", methods=["POST"])
@guard.require(guard.ANY_STAFF)
def logout():
    staff = guard.current_staff()
    access_log.record("logout", staff_id=staff.id)
    db.session.commit()
    staff_sessions.end_current()
    _clear_staff_session()
    flash("로그아웃했습니다.", "success")
    return redirect(url_for("admin.login"))


@bp.route("/reauth", methods=["GET", "POST"])
@guard.require(guard.ANY_STAFF)
def reauth():
    """Re-enter password and TOTP before a sensitive action (valid 5 minutes)."""
    staff = guard.current_staff()
    form = ReauthForm()
    nxt = safe_next(request.args.get("next"), url_for("admin.index"))
    if form.validate_on_submit():
        if staff_services.is_locked(staff):  # locked meanwhile (another sign-in attempt): no guessing here
            staff_sessions.end_current()
            _clear_staff_session()
            flash(LOCKED, "error")
            return redirect(url_for("admin.login"))
        if staff_services.check_password(staff, form.password.data) and \
                staff_services.check_totp(staff, form.code.data):
            staff_services.note_success(staff)
            db.session.commit()  # the staff row before the access log's head (see _second_factor)
            guard.mark_reauth()
            access_log.record("reauth", staff_id=staff.id)
            db.session.commit()
            return redirect(nxt)
        access_log.record("reauth_failed", staff_id=staff.id)
        if staff_services.note_failure(staff):
            staff_sessions.end_staff_sessions(staff.id)
            _clear_staff_session()
            flash(LOCKED, "error")
            return redirect(url_for("admin.login"))
        form.code.errors.append("비밀번호 또는 인증 코드가 올바르지 않습니다.")
    return render_template("admin/reauth.html", form=form, next=nxt)
