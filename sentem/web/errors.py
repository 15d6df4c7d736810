"""Error pages in the shop's look, in one place; a 500 rolls the session back.

The pages carry their own Korean/English tables (not the gettext catalog) so that
an error page renders even when a catalog is broken. A database that cannot be
reached (restart, failover, exhausted pool) answers the shop's own 503 page with
``Retry-After``, rendered without touching any database: the visitor is shown as
signed out for that page (loading them is what failed), nothing is retried.
"""
import logging

from flask import g, jsonify, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..extensions import DATABASE_UNAVAILABLE, db, login_manager
from ..i18n import current_lang
from . import bp

log = logging.getLogger("sentem.web")
RETRY_AFTER_SECONDS = 30

MESSAGES = {
    400: ("잘못된 요청입니다", "요청을 처리할 수 없습니다. 입력한 내용을 확인해 주세요."),
    403: ("접근 권한이 없습니다", "이 페이지를 볼 수 있는 권한이 없습니다."),
    404: ("페이지를 찾을 수 없습니다", "주소가 바르지 않거나 페이지가 없어졌습니다."),
    405: ("허용되지 않은 방식입니다", "이 주소는 그런 방식의 요청을 받지 않습니다."),
    413: ("요청이 너무 큽니다", "보낸 내용이 허용된 크기를 넘었습니다."),
    429: ("요청이 너무 많습니다", "잠시 후 다시 시도해 주세요."),
    500: ("일시적인 오류가 발생했습니다", "불편을 드려 죄송합니다. 잠시 후 다시 시도해 주세요."),
    503: ("서비스를 잠시 이용할 수 없습니다", "점검 중이거나 일시적인 장애입니다. 잠시 후 다시 시도해 주세요."),
}
EN = {
    400: ("Bad request", "The request could not be processed. Please check what you entered."),
    403: ("Forbidden", "You do not have permission to view this page."),
    404: ("Page not found", "The address is wrong or the page no longer exists."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    413: ("Request too large", "What you sent is larger than allowed."),
    429: ("Too many requests", "Please try again in a moment."),
    500: ("Something went wrong", "Sorry for the inconvenience. Please try again shortly."),
    503: ("Service unavailable", "The shop is under maintenance or briefly unavailable."),
}


CSRF_DETAIL = {
    "ko": "보안 토큰이 없거나 만료되었습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.",
    "en": "The security token is missing or has expired. Reload the page and try again.",
}


def render_error(code: int, detail: str | None = None):
    """The error page (or JSON for JSON clients) for ``code``, in the visitor's language."""
    _visitor_or_signed_out()
    table = EN if current_lang() == "en" else MESSAGES
    title, message = table.get(code, table[500])
    if request.accept_mimetypes.best == "application/json" or request.path.endswith(".json"):
        return jsonify(error=code, title=title, message=detail or message), code
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


@bp.app_errorhandler(CSRFError)
def csrf_error(exc):
    return render_error(400, CSRF_DETAIL.get(current_lang(), CSRF_DETAIL["ko"]))


@bp.app_errorhandler(HTTPException)
def http_error(exc):
    if exc.code and exc.code >= 500:
        _rollback()
    if exc.code in MESSAGES:
        return render_error(exc.code)
    return exc


@bp.app_errorhandler(500)
def internal_error(exc):
    _rollback()
    return render_error(500)


def database_unavailable(exc):
    """503 with Retry-After when a database cannot be reached; nothing of the request was committed."""
    # The driver's class only: the message may quote the statement and its parameters.
    log.warning("database unavailable on %s %s: %s", request.method, request.path,
                type(getattr(exc, "orig", None) or exc).__name__)
    _forget_database_state()
    response = make_response(*render_error(503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


for _error in DATABASE_UNAVAILABLE:  # the decorator, once per class of the tuple
    bp.app_errorhandler(_error)(database_unavailable)


def _rollback() -> None:
    """Roll back what the request began; a dead connection cannot, and the pool discards it."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the error page must render whatever the database does
        log.debug("rollback on the error path failed", exc_info=True)


def _forget_database_state() -> None:
    """Roll back what the request began (the connection may be gone) and show it signed out."""
    _rollback()
    g._login_user = login_manager.anonymous_user()
    request._sentem_staff = None  # the staff guard's per-request cache: no staff lookup either


def _visitor_or_signed_out() -> None:
    """Load the visitor for the page header; when that needs a database that is down, sign out
    for this page only (the session cookie is untouched)."""
    try:
        current_user.is_authenticated  # noqa: B018 - loads the member once per request
    except DATABASE_UNAVAILABLE:
        _forget_database_state()
