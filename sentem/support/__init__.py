"""Consultation board (상담 게시판), notices, and marketing sends."""
from flask import Blueprint

from ..jobs import schedule

bp = Blueprint("support", __name__)


def init_app(app) -> None:
    """Routes, tables, registry entries, the support audit section and the 2-yearly consent notice."""
    from . import consent_notice, marketing, marketing_records, models, records, routes  # noqa: F401

    records.DECLARE.apply()
    marketing_records.DECLARE.apply()
    # Network Act Art. 50⑧: every 2 years from consent, tell each consenting member (10:00 KST daily).
    schedule.add(app, schedule.Recurring("marketing-consent-notice", consent_notice.biennial_notice_job,
                                         "0 1 * * *"))
    app.register_blueprint(bp)
