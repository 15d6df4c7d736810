"""Per-view checks of the staff area: who is signed in, what their role allows, and
whether a sensitive action was preceded by a fresh re-authentication.

``require(permission)`` marks a view with ``view.required_permission`` (the
authorisation-matrix test and the blueprint gate read it) and answers 403 — and
writes a "forbidden" row in the access log — when the staff member's role lacks it.
"""
from __future__ import annotations

import datetime as _dt
import functools
from urllib.parse import urlsplit

from flask import abort, flash, redirect, request, session, url_for

from .. import clock
from ..extensions import db
from ..privacy import access_log
from . import sessions
from .models import Staff
from .permissions import PERMISSIONS, allowed

# A view any signed-in staff member may use (logout, re-auth, own acknowledgement).
ANY_STAFF = "*"
REAUTH_WINDOW = _dt.timedelta(minutes=5)
IDLE_TIMEOUT = _dt.timedelta(minutes=30)

# Session keys: separate from Flask-Login's member session.
SESSION_STAFF = "staff_id"
SESSION_SEEN = "staff_seen_at"
SESSION_REAUTH = "staff_reauth_at"
SESSION_PENDING = "staff_pending_id"
SESSION_PENDING_AT = "staff_pending_at"
SESSION_PENDING_VERSION = "staff_pending_ver"
STAFF_KEYS = (SESSION_STAFF, SESSION_SEEN, SESSION_REAUTH, SESSION_PENDING, SESSION_PENDING_AT,
              SESSION_PENDING_VERSION, sessions.SESSION_TOKEN)


_UNSET = object()


def current_staff():
    """The fully authenticated, active staff member of this request, or None."""
    # Cached on the request, not on ``g``: tests share one app context across requests.
    cached = getattr(request, "_sentem_staff", _UNSET)
    if cached is not _UNSET:
        return cached
    staff = None
    staff_id = session.get(SESSION_STAFF)
    if staff_id is not None:
        staff = db.session.get(Staff, staff_id)
        # Deactivated, or the server-side session ended (logout, role change, reset).
        if staff is not None and (not staff.active or not sessions.is_current(staff.id)):
            staff = None
    request._sentem_staff = staff
    return staff


def has_permission(permission: str, staff=None) -> bool:
    """Whether the current (or given) staff member's role grants ``permission``."""
    staff = staff if staff is not None else current_staff()
    if staff is None:
        return False
    if permission == ANY_STAFF:
        return True
    return allowed(staff.role, permission)


def refuse(permission: str):
    """Log a refused access and answer 403 (the row is committed before the abort)."""
    staff = current_staff()
    access_log.record("forbidden", staff_id=staff.id if staff else None,
                      detail=f"{request.method} {request.path} (필요 권한: {permission})")
    db.session.commit()
    abort(403)


def require(permission: str):
    """View decorator: the signed-in staff member's role must grant ``permission``."""
    if permission != ANY_STAFF and permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission}")

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if current_staff() is None:
                return redirect(url_for("admin.login", next=request.full_path))
            if not has_permission(permission):
                refuse(permission)
            return view(*args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorate


def reauth_fresh() -> bool:
    """Whether password and TOTP were entered within the last 5 minutes."""
    stamp = session.get(SESSION_REAUTH)
    if not stamp:
        return False
    try:
        at = _dt.datetime.fromisoformat(stamp)
    except ValueError:
        return False
    return _dt.timedelta(0) <= clock.now() - at <= REAUTH_WINDOW


def mark_reauth() -> None:
    session[SESSION_REAUTH] = clock.now().isoformat()


def reauth_required(view):
    """View decorator for sensitive actions (unmask, download, role changes): needs a
    fresh re-authentication, else sends the staff member to ``/admin/reauth`` and back."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not reauth_fresh():
            flash("민감한 작업입니다. 비밀번호와 인증 코드를 다시 입력한 뒤 다시 시도해 주세요.", "error")
            back = request.referrer if request.method == "POST" else request.full_path
            return redirect(url_for("admin.reauth", next=_local(back)))
        return view(*args, **kwargs)

    wrapped.requires_reauth = True
    if hasattr(view, "required_permission"):
        wrapped.required_permission = view.required_permission
    return wrapped


def _local(url: str | None) -> str:
    """Keep only the path and query of ``url`` (a referrer) so the redirect stays here."""
    if not url:
        return url_for("admin.index")
    parts = urlsplit(url)
    path = parts.path or "/admin/"
    return path + ("?" + parts.query if parts.query else "")


def clean_reason(value: str | None) -> str | None:
    """A reason with surrounding whitespace removed; None when blank (refused by callers)."""
    text = (value or "").strip()
    return text or None
