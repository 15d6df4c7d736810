"""My info: the four rights (access, correction, deletion, suspension) and withdrawal."""
from flask import Blueprint

from ..jobs import schedule

bp = Blueprint("myinfo", __name__)


def init_app(app) -> None:
    """Routes, tables, registry entries, the rights self-audit section and pending withdrawals."""
    from . import audit, jobs, models, records, routes  # noqa: F401  (tables, views)

    records.DECLARE.apply()
    audit.DECLARE.apply()
    # Withdrawals that waited on an open order complete once it settles.
    schedule.add(app, schedule.Recurring("pending-withdrawals", jobs.complete_pending_withdrawals_job,
                                         "*/15 * * * *"))
    app.register_blueprint(bp)
