"""The dashboard: orders per day, pending shipments, open rights requests, duties due.

The figures come from ``dashboard_data``, which reads the features' tables (the edge
may depend on every feature); a panel that fails shows empty instead of a 500.
"""
from __future__ import annotations

from flask import redirect, render_template, url_for

from ..staff import bp, guard
from .dashboard_data import panels


@bp.route("/")
@guard.require(guard.ANY_STAFF)
def index():
    """The staff area's front door: the dashboard."""
    return redirect(url_for("admin.dashboard"))


@bp.route("/dashboard")
@guard.require("dashboard.view")
def dashboard():
    return render_template("admin/dashboard.html", panels=panels(guard.current_staff()))
