"""Recurring order duties (hourly, see ``sentem.jobs.schedule``)."""
from __future__ import annotations

import logging

from ..jobs import job

log = logging.getLogger("sentem.orders")


@job
def refund_deadline_job() -> dict:
    """Settle lost payment answers, retry failed refunds, flag refunds past their 3-business-day
    deadline, and drop checkout tokens of forms never submitted.

    Idempotent: each step looks at the database's state only.
    """
    from . import cancellation, checkout, payments

    recovered = payments.recover_stale()
    retried = cancellation.retry_failed_refunds()
    overdue = cancellation.flag_overdue()
    purged = checkout.purge_unused_tokens()
    if overdue:
        log.warning("%d refund(s) overdue: %s", len(overdue), ", ".join(c.order.order_no for c in overdue))
    return {"recovered_payments": recovered, "retried_refunds": retried, "overdue_refunds": len(overdue),
            "purged_tokens": purged}
