"""My info: the four rights (access, correction, deletion, suspension) and withdrawal."""
from flask import Blueprint

from ..jobs import schedule
from ..staff.nav import register_count, register_nav

bp = Blueprint("myinfo", __name__)


def init_app(app) -> None:
    """Routes, tables, registry entries, the rights self-audit section, pending withdrawals and the
    staff's rights-request queue."""
    from . import admin, audit, jobs, label_domains, models, records, requests, routes  # noqa: F401  (tables, views)

    records.DECLARE.apply()
    label_domains.DECLARE_LABELS.apply(app)
    audit.DECLARE.apply()
    # Withdrawals that waited on an open order complete once it settles.
    schedule.add(app, schedule.Recurring("pending-withdrawals", jobs.complete_pending_withdrawals_job,
                                         "*/15 * * * *"))
    app.register_blueprint(bp)
    register_nav(app, "admin.rights", "권리 행사 요청", "rights.view", order=50)
    register_count(app, "admin.rights", requests.open_count)
