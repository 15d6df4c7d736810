"""The staff area, gated once for the whole blueprint; one module per area."""
from flask import Blueprint

from .. import init_steps
from ..jobs import schedule

bp = Blueprint("admin", __name__)


def init_app(app) -> None:
    """Every staff screen, its registry entries, audit sections, init steps and the monthly review.

    Called last: the screens name the features' views and services.
    """
    from . import (accesslog, audit, audit_sections, auth, dashboard, exports, filters, gate,  # noqa: F401
                   marketing, members, models, nav, orders, plan, policy, records, retention, reviews,
                   rights, shipping, staff, support)

    records.DECLARE.apply()
    audit_sections.DECLARE.apply()
    init_steps.add(app, plan.ensure_first_version)
    # Monthly access-log review (월 1회 점검): 1st of each month, 09:00 KST.
    schedule.add(app, schedule.Recurring("access-log-review", reviews.open_monthly_review_job, "0 0 1 * *"))
    app.register_blueprint(bp, url_prefix="/admin")
    nav.check(app)
