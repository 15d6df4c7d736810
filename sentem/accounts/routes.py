"""Signup, email verification, login, logout. Thin: parse, call a service, render."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from .. import clock
from ..privacy import consent as ledger
from ..privacy import policy_versions
from ..privacy.registry import REGISTRY
from ..i18n import current_lang
from ..safe_next import safe_next
from ..security import throttle
from . import bp, history, services, sessions, verification
from .auth import member_required
from .forms import LoginForm, signup_form
from .loader import EPOCH_KEY


def _start_session(member) -> None:
    """Session fixation protection: nothing from the anonymous session survives the login."""
    session.clear()
    login_user(member)
    session[EPOCH_KEY] = member.session_epoch
    sessions.start(member.id)


# Consents that accept a versioned document: the block links to the version in force.
DOCUMENTS = {"terms": ("terms", "/terms"), "privacy": ("privacy", "/privacy")}


def _document(key: str) -> dict | None:
    if key not in DOCUMENTS:
        return None
    document, url = DOCUMENTS[key]
    version = policy_versions.current_version(document=document)
    return {"url": url, "version": version.label if version else ""}


def consent_blocks() -> list[dict]:
    """What the consent screen shows for each registered consent (PIPA Art. 15②, 22)."""
    en = current_lang() == "en"
    blocks = []
    for key, c in REGISTRY.consents.items():
        blocks.append({
            "field": f"consent_{key}",
            "key": key,
            "required": c.required,
            "label": c.label_en if en else c.label_ko,
            "purposes": [getattr(REGISTRY.purposes.get(p), "label_en" if en else "label_ko", p) for p in c.purposes],
            "items": [getattr(REGISTRY.items.get(i), "label_en" if en else "label_ko", i) for i in c.items],
            "retention": c.retention_en if en else c.retention_ko,
            "refusal": c.refusal_en if en else c.refusal_ko,
            "document": _document(key),
        })
    return blocks


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    # Signup hashes a password too: limited per address in the shared store, like login.
    if request.method == "POST" and not throttle.ip_allowed("signup", "SENTEM_SIGNUP_RATE_LIMIT"):
        abort(429)
    if current_user.is_authenticated:
        return redirect("/")
    form = signup_form()
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            member = services.register(form.profile_data(), form.consent_data(), ip=history.client_ip(),
                                       user_agent=history.client_user_agent(), screen="signup")
        except services.SignupError as exc:
            form.place_errors(exc.errors)
            status = 422
        else:
            _start_session(member)
            services.record_login(member)
            return redirect(url_for("accounts.welcome"))
    elif request.method == "POST":
        status = 422
    return render_template("accounts/signup.html", form=form, consents=consent_blocks()), status


@bp.get("/signup/welcome")
@member_required
def welcome():
    state = ledger.current(current_user.id)
    chosen = [c for c in consent_blocks() if not c["required"] and state.get(ledger.kind_for(c["key"]))]
    return render_template("accounts/welcome.html", chosen=chosen)


@bp.get("/signup/verify/<token>")
def verify_email(token):
    member = verification.verify(token)
    return render_template("accounts/verified.html", ok=member is not None), (200 if member else 400)


@bp.route("/login", methods=["GET", "POST"])
def login():
    # Counted before anything else, so a flood never reaches the password hash (shared store).
    if request.method == "POST" and not throttle.ip_allowed("member-login"):
        abort(429)
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"), default="")
    error, status = None, 200
    if request.method == "POST" and form.validate_on_submit():
        target = safe_next(form.next.data or request.args.get("next"), default="/")
        result = services.authenticate(form.login_id.data or "", form.password.data or "",
                                       ip=history.client_ip(), user_agent=history.client_user_agent())
        if result.ok:
            _start_session(result.member)
            return redirect(target)
        status = 401
        if result.status == "locked":
            until = clock.to_kst(result.locked_until).strftime("%H:%M")
            _max, minutes = services.login_settings()
            error = _("로그인에 %(n)s회 연속 실패하여 %(m)s분 동안 로그인할 수 없습니다. %(t)s 이후 다시 시도해 주세요.",
                      n=_max, m=minutes, t=until)
        else:
            error = _("아이디 또는 비밀번호가 올바르지 않습니다.")
    return render_template("accounts/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.record_logout(current_user._get_current_object(), ip=history.client_ip(),
                               user_agent=history.client_user_agent())
    sessions.end_current()
    logout_user()
    session.clear()
    flash(_("로그아웃되었습니다."), "success")
    return redirect("/")
