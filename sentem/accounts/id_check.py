"""아이디 중복확인 for the signup form: ``GET /signup/check-login-id?login_id=…``.

Answers only whether the ID can be had ("available") or not ("taken"), never whose it
is or in what state; an ID that breaks the format rule gets the rule's message instead
(that says nothing about anyone). Limited per client address in the shared throttle
store, like signup itself, so it cannot be used to list the shop's members quickly;
signup still checks again on submit, so the form works without the script.
"""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext

from ..security import throttle
from . import bp, validation
from .profile import taken


@bp.get("/signup/check-login-id")
def check_login_id():
    """JSON ``{"result": "available" | "taken"}``, or ``{"result": "invalid", "message": …}`` (400)."""
    if not throttle.ip_allowed("signup-id-check", "SENTEM_SIGNUP_RATE_LIMIT"):
        return jsonify(result="limited", message=gettext("잠시 후 다시 확인해 주세요.")), 429
    try:
        login_id = validation.login_id(request.args.get("login_id", ""))
    except validation.Invalid as exc:
        msg = exc.message
        return jsonify(result="invalid", message=gettext(msg.msgid, **msg.params)), 400
    response = jsonify(result="taken" if taken("login_id", login_id) else "available")
    response.headers["Cache-Control"] = "no-store"
    return response
