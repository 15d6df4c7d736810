"""Consultation board (상담 게시판), notices, and marketing sends."""
from flask import Blueprint

from ..jobs import schedule
from ..staff.nav import register_nav

bp = Blueprint("support", __name__)


def init_app(app) -> None:
    """Routes, tables, registry entries, the support audit section, the 2-yearly consent notice and
    the staff's inquiry, notice and campaign screens."""
    from . import (admin, admin_marketing, consent_notice, label_domains, marketing, marketing_records, models,  # noqa: F401
                   records, routes)

    records.DECLARE.apply()
    label_domains.DECLARE_LABELS.apply(app)
    marketing_records.DECLARE.apply()
    # Network Act Art. 50⑧: every 2 years from consent, tell each consenting member (10:00 KST daily).
    schedule.add(app, schedule.Recurring("marketing-consent-notice", consent_notice.biennial_notice_job,
                                         "0 1 * * *"))
    app.register_blueprint(bp)
    register_nav(app, "admin.inquiries", "상담 문의", "inquiries.view", order=60)
    register_nav(app, "admin.notices", "공지사항", "notices.post", order=72)
    register_nav(app, "admin.marketing", "광고성 정보", "marketing.send", order=75)
