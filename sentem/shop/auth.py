"""Member-only pages of the shop and orders: anonymous visitors go to /login?next=…."""
from __future__ import annotations

import functools
from urllib.parse import quote

from flask import redirect, request
from flask_login import current_user


def member_required(view=None, *, next_url=None):
    """Send anonymous visitors to ``/login?next=<this page>`` (or ``next_url(**kwargs)`` for POSTs)."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.method == "GET":
                    target = request.full_path if request.query_string else request.path
                else:
                    target = next_url(**kwargs) if next_url else "/cart"
                return redirect("/login?next=" + quote(target, safe="/"))
            return fn(*args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate
