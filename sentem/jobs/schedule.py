"""Every recurring duty, in one place.

Each entry names a job function by import path, so this module imports no feature.
The RQ cron scheduler (``flask worker``) and the in-process scheduler (embedded
mode) both read this list.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Recurring:
    name: str
    func: str  # "module:function"
    cron: str  # crontab in UTC (Korea is UTC+9)

    def resolve(self):
        module, _, attr = self.func.partition(":")
        return getattr(importlib.import_module(module), attr)


RECURRING: tuple[Recurring, ...] = (
    # Retention sweep: daily at 03:00 KST, and hourly so that waiting duties never slip a day.
    Recurring("retention-sweep", "sentem.privacy.retention.jobs:sweep_job", "5 * * * *"),
    # Monthly access-log review (월 1회 점검): 1st of each month, 09:00 KST.
    Recurring("access-log-review", "sentem.admin.reviews:open_monthly_review_job", "0 0 1 * *"),
    # Quarterly self-audit (분기 1회 자체 감사): first day of each quarter, 06:00 KST, for the quarter just ended.
    Recurring("quarterly-audit", "sentem.privacy.audit:quarterly_report_job", "0 21 31 3,6,9,12 *"),
    # Network Act Art. 50⑧: every 2 years from consent, tell each consenting member.
    Recurring("marketing-consent-notice", "sentem.support.marketing:biennial_notice_job", "0 1 * * *"),
    # Withdrawals that waited on an open order complete once it settles.
    Recurring("pending-withdrawals", "sentem.myinfo.jobs:complete_pending_withdrawals_job", "*/15 * * * *"),
    # Refunds due within 3 business days: flag overdue ones.
    Recurring("refund-deadlines", "sentem.orders.jobs:refund_deadline_job", "0 * * * *"),
)


def available() -> list[Recurring]:
    """The entries whose job function exists in this build."""
    out = []
    for r in RECURRING:
        try:
            r.resolve()
        except (ImportError, AttributeError):
            continue
        out.append(r)
    return out
