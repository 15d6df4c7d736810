"""My info's recurring duty: complete withdrawals that waited on an open order."""
from __future__ import annotations

import logging

from ..jobs import job

log = logging.getLogger("sentem.myinfo")


@job
def complete_pending_withdrawals_job() -> int:
    """Every pending withdrawal whose last open item has settled is completed (idempotent)."""
    from .withdrawal import complete_pending

    done = complete_pending()
    if done:
        log.info("completed %d pending withdrawal(s)", done)
    return done
