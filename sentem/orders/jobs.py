"""Recurring order duties (see ``sentem.jobs.schedule``): payment recovery every few minutes,
refund deadlines hourly."""
from __future__ import annotations

import logging

from ..jobs import job

log = logging.getLogger("sentem.orders")


@job
def payment_recovery_job() -> dict:
    """Settle orders whose payment answer was lost or never came (every 5 minutes).

    Each is either paid or given up with its stock and cart lines back, so a member is
    not left with goods held by an order nobody will settle. Idempotent (compare-and-set).
    """
    from . import payments

    return {"recovered_payments": payments.recover_stale()}


@job
def refund_deadline_job() -> dict:
    """Retry failed refunds, flag refunds past their 3-business-day deadline, and drop
    checkout tokens of forms never submitted.

    Idempotent: each step looks at the database's state only.
    """
    from . import cancellation, checkout

    retried = cancellation.retry_failed_refunds()
    overdue = cancellation.flag_overdue()
    purged = checkout.purge_unused_tokens()
    if overdue:
        log.warning("%d refund(s) overdue: %s", len(overdue), ", ".join(c.order.order_no for c in overdue))
    return {"retried_refunds": retried, "overdue_refunds": len(overdue), "purged_tokens": purged}
