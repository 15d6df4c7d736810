"""Password change (/me/password), 비밀번호 찾기 (/account/reset-password…) and 아이디 찾기
(/account/find-id). Thin: parse, call ``password_change`` or ``recovery``, render.

Rate limits (``security.throttle``: shared by every process, in Redis when configured, else
the main database): every POST here per client IP (``SENTEM_RECOVERY_RATE_LIMIT``), and
비밀번호 찾기 / 아이디 찾기 also per login ID or address typed
(``SENTEM_RECOVERY_ACCOUNT_RATE_LIMIT``) — counted whether or not it exists, so a refusal
tells nothing either. Counted before any work is done.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..security import blind_index, password_rules, throttle
from . import bp, history, password_change, recovery, reset_tokens
from .auth import member_required
from .profile import ProfileError
from .recovery_forms import FindIdForm, PasswordChangeForm, ResetForm, ResetRequestForm


@bp.app_context_processor
def _password_facts():
    # Numbers the pages state come from the code that applies them, never typed into templates.
    return {"password_min_length": password_rules.MIN_LENGTH,
            "reset_link_minutes": int(reset_tokens.VALID_FOR.total_seconds() // 60)}


IP_LIMIT = ("SENTEM_RECOVERY_RATE_LIMIT", "20/hour")
ACCOUNT_LIMIT = ("SENTEM_RECOVERY_ACCOUNT_RATE_LIMIT", "5/hour")


def _allowed(name: str, subject: str, limit: tuple[str, str]) -> bool:
    cfg = current_app.config
    if not cfg.get("RATELIMIT_ENABLED", True):
        return True
    setting, default = limit
    amount, window = throttle.parse_rate(cfg.get(setting) or default)
    return throttle.hit(name, subject, limit=amount, window=window)


def _limit_post(name: str, typed_field: str | None = None) -> None:
    """429 when this client IP, or the login ID / address typed in ``typed_field``, asked too often."""
    if request.method != "POST":
        return
    if not _allowed(f"{name}-ip", request.remote_addr or "", IP_LIMIT):
        abort(429)
    if typed_field is not None:
        typed = blind_index.normalise(request.form.get(typed_field, "")[:300])
        if not _allowed(f"{name}-account", typed, ACCOUNT_LIMIT):
            abort(429)


def _placed(form, errors: dict) -> bool:
    """Show ``errors`` beside their fields; whether there were any."""
    form.place_errors(errors)
    return bool(errors)


def _no_referrer(response):
    # The reset token is in the URL: no other site may see it in a Referer header.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/me/password", methods=["GET", "POST"])
@member_required
def change_password():
    _limit_post("password-change")
    form = PasswordChangeForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            member = current_user._get_current_object()
            try:
                password_change.change_password(member, form.current_password.data or "",
                                                form.new_password.data or "", form.new_password_confirm.data or "",
                                                ip=history.client_ip(), user_agent=history.client_user_agent())
            except ProfileError as exc:
                form.place_errors(exc.errors)
            else:
                flash(_("비밀번호가 변경되었습니다. 다른 기기에서는 다시 로그인해야 합니다."), "success")
                return redirect(url_for("myinfo.index"))
    return render_template("accounts/password_change.html", form=form), status


@bp.route("/account/reset-password", methods=["GET", "POST"])
def reset_password():
    _limit_post("reset-request", "login_id")
    form = ResetRequestForm()
    if request.method == "POST" and form.validate_on_submit() and not _placed(
            form, recovery.input_errors(login_id=form.login_id.data, email=form.email.data)):
        recovery.request_reset(form.login_id.data or "", form.email.data or "",
                               ip=history.client_ip(), user_agent=history.client_user_agent())
        return render_template("accounts/reset_sent.html")
    return render_template("accounts/reset_request.html", form=form), (422 if request.method == "POST" else 200)


@bp.route("/account/reset-password/<token>", methods=["GET", "POST"])
def reset_password_form(token):
    _limit_post("reset-complete")
    state = recovery.link_state(token)
    if state != "valid":
        return _no_referrer(current_app.make_response(
            (render_template("accounts/reset_invalid.html", state=state), 410 if state != "unknown" else 404)))
    form = ResetForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                recovery.complete_reset(token, form.new_password.data or "", form.new_password_confirm.data or "",
                                        ip=history.client_ip(), user_agent=history.client_user_agent())
            except recovery.ResetLinkError as exc:
                return _no_referrer(current_app.make_response(
                    (render_template("accounts/reset_invalid.html", state=exc.state), 410)))
            except ProfileError as exc:
                form.place_errors(exc.errors)
            else:
                session.clear()  # every session ended, this browser's too
                return _no_referrer(current_app.make_response(render_template("accounts/reset_done.html")))
    return _no_referrer(current_app.make_response(
        (render_template("accounts/reset_form.html", form=form, token=token), status)))


@bp.route("/account/find-id", methods=["GET", "POST"])
def find_id():
    _limit_post("find-id", "email")
    form = FindIdForm()
    if request.method == "POST" and form.validate_on_submit() and not _placed(
            form, recovery.input_errors(email=form.email.data)):
        recovery.find_id("email", form.email.data or "")
        return render_template("accounts/find_id_sent.html")
    return render_template("accounts/find_id.html", form=form), (422 if request.method == "POST" else 200)
