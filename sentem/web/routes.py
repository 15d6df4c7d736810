"""Health check and language switch."""
from flask import current_app, jsonify, redirect, request

from flask_babel import refresh

from .. import health
from ..i18n import LANG_COOKIE, current_lang
from ..jobs import inprocess
from ..privacy.registry import REGISTRY
from ..safe_next import safe_next
from . import bp


@bp.get("/healthz")
def healthz():
    """JSON status of every check; 503 when any is down (load balancers watch this)."""
    ok, checks = health.run_all()
    return jsonify(status="ok" if ok else "down", checks=checks), (200 if ok else 503)


@bp.get("/lang/<code>")
def set_language(code):
    """Remember the visitor's language in a cookie and go back where they were."""
    response = redirect(safe_next(request.args.get("next"), default="/"))
    if code in ("ko", "en"):
        # A preference cookie, strictly necessary for showing the chosen language.
        response.set_cookie(LANG_COOKIE, code, max_age=REGISTRY.cookies[LANG_COOKIE].max_age_days * 86400, samesite="Lax", httponly=True,
                            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


@bp.app_context_processor
def shell_context():
    return {"current_lang": current_lang, "privacy_officer": REGISTRY.officer}


@bp.before_app_request
def fresh_locale():
    # Flask-Babel caches the locale on the app context; when one context serves several
    # requests (tests, CLI), each request must pick its own language again.
    refresh()


@bp.before_app_request
def start_inprocess_scheduler():
    # Embedded mode only: the recurring duties run in this process once it serves.
    inprocess.start(current_app._get_current_object())
