"""The one gate for member-only pages: anonymous visitors go to ``/login?next=…``.

``next`` is always a path on this site (``safe_next``; the login page checks it again). A page asked
for with GET comes back to itself; a form posted to a URL that only takes POST comes
back to the view's ``next_url(**view_args)`` when it names one, else to the page of the
same address when there is one, else to the front page.
"""
from __future__ import annotations

import functools
from urllib.parse import quote

from flask import redirect, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ..safe_next import safe_next


def _same_path_answers_get() -> bool:
    if request.url_rule is None:
        return False
    try:
        request.url_rule.map.bind_to_environ(request.environ).match(request.path, method="GET")
    except HTTPException:
        return False
    return True


def login_target(next_url=None, view_args: dict | None = None) -> str:
    """``/login?next=…`` for the current request (see the module docstring)."""
    if request.method in ("GET", "HEAD"):
        target = request.full_path if request.query_string else request.path
    elif next_url is not None:
        target = next_url(**(view_args or {}))
    elif _same_path_answers_get():
        target = request.path
    else:
        target = "/"
    return "/login?next=" + quote(safe_next(target, "/"), safe="/")


def member_required(view=None, *, next_url=None):
    """Only for a logged-in member; ``next_url(**view_args)`` names where a POST returns after login.

    Use bare (``@member_required``) or with the option (``@member_required(next_url=…)``).
    """

    def decorate(fn):
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(login_target(next_url, kwargs))
            return fn(*args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate
