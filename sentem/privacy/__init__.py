"""The privacy core: the registry of what the policy promises, and what keeps it.

``init_app`` brings the core's own tables, registry declarations (the policy's
facts, the consent ledger), self-audit sections and recurring duties. Its health check
and ``flask init`` steps are listed in ``HEALTH_CHECKS`` and ``INIT_STEPS``: the web
shell, which owns ``/healthz`` and the init registry, hands them over, so the core imports
neither. Features add theirs from their own ``init_app``; the core imports none of them.
"""
from __future__ import annotations

from ..jobs import schedule
from ..security import reindex
from ..jobs.schedule import Recurring
from . import (access_log, access_records, access_review, audit, audit_models, consent, label_domains,  # noqa: F401  (tables)
               periods, policy_facts, policy_versions, registers)
from .retention import audit as retention_audit
from .retention import jobs as retention_jobs
from .retention import models as retention_models  # noqa: F401  (tables)
from .retention import services as retention_services

# What the shell runs for the core: "no duty past its deadline" on /healthz, and the
# idempotent steps of ``flask init`` (the access log's head row, the first policy version,
# the blind-index key), in this order.
HEALTH_CHECKS = (("retention", retention_services.health_check),)
INIT_STEPS = (access_log.ensure_head, policy_versions.ensure_first_version, reindex.ensure_key)


def init_app(app) -> None:
    policy_facts.DECLARE.apply()  # purposes first: items name them
    label_domains.DECLARE_LABELS.apply(app)
    consent.DECLARE.apply()
    access_records.DECLARE.apply()
    access_review.DECLARE.apply()
    retention_audit.DECLARE.apply()
    periods.init_app(app)  # templates read periods and deadlines from the registry
    schedule.add(
        app,
        # Retention sweep: hourly, so that waiting duties never slip a day.
        Recurring("retention-sweep", retention_jobs.sweep_job, "5 * * * *"),
        # Quarterly self-audit (분기 1회 자체 감사): 09:00 KST on the first day of each quarter,
        # for the quarter just ended. (A "31st" would never fire in June or September.)
        Recurring("quarterly-audit", audit.quarterly_report_job, "0 0 1 1,4,7,10 *"),
        # Monthly access-log review (월 1회 점검): 09:00 KST on the 1st of each month.
        Recurring("access-log-review", access_review.open_monthly_review_job, "0 0 1 * *"),
    )
