"""The dashboard: orders per day, pending shipments, open rights requests, duties due.

Other features' data is read through small guarded imports (each panel tolerates
the feature's absence) so the staff area does not depend on them.
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
