"""The staff area, gated once for the whole blueprint; one module per area."""
from .. import init_steps
from ..jobs import schedule


def init_app(app) -> None:
    """Every staff screen, its registry entries, audit sections, init steps and the monthly review.

    Called last: the screens name the features' views and services.
    """
    from ..accounts import admin as members  # noqa: F401
    from ..delivery import admin as shipping  # noqa: F401
    from ..myinfo import admin as rights  # noqa: F401
    from ..orders import admin as orders  # noqa: F401
    from ..policy import admin as policy  # noqa: F401
    from ..staff import audit as audit_sections
    from ..staff import bp, filters, models, nav, records  # noqa: F401
    from ..support import admin as support  # noqa: F401
    from ..support import admin_marketing as marketing  # noqa: F401
    from . import auth, dashboard, exports, gate, plan, staff  # noqa: F401
    from .privacy import accesslog, audit, retention, reviews  # noqa: F401

    records.DECLARE.apply()
    audit_sections.DECLARE.apply()
    init_steps.add(app, plan.ensure_first_version)
    # Monthly access-log review (월 1회 점검): 1st of each month, 09:00 KST.
    schedule.add(app, schedule.Recurring("access-log-review", reviews.open_monthly_review_job, "0 0 1 * *"))
    app.register_blueprint(bp, url_prefix="/admin")
    nav.check(app)
