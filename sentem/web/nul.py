"""A URL or query string carrying a NUL character is refused with a clear 400 before any view runs.

No query value or URL part of the shop has a use for NUL, and PostgreSQL text cannot hold
it: passed on, it became a database error (500) on the PostgreSQL set-up while SQLite
stored it. Form fields are left to their forms, which answer a control character with a
message beside the field (and keep what else was typed)."""
from flask import request
from werkzeug.exceptions import BadRequest

from . import bp

NUL = "\x00"


def _carries_nul() -> bool:
    if NUL in request.path:
        return True
    args = request.args
    return any(NUL in key or any(NUL in value for value in args.getlist(key)) for key in args)


@bp.before_app_request
def refuse_nul():
    if _carries_nul():
        raise BadRequest()
