"""Bulk downloads in one place: the page lists each download the role allows, behind a
reason form. The downloads themselves belong to their features (``members_download``,
``download_orders``); each needs its permission, a reason and a fresh re-authentication,
and is logged with its row count (``staff.downloads.csv_response``)."""
from __future__ import annotations

from flask import render_template

from ..staff import bp, guard
from ..staff.forms import ReasonForm


@bp.route("/downloads")
@guard.require(guard.ANY_STAFF)
def downloads_page():
    """The downloads this staff member's role allows, each behind a reason form."""
    return render_template("admin/downloads.html", members_form=ReasonForm(),
                           orders_form=ReasonForm(prefix="o"))
