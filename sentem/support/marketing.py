"""Marketing sends (광고성 정보) under Network Act Art. 50, and the 2-yearly consent notice."""
from __future__ import annotations

from ..jobs import job


@job
def biennial_notice_job() -> int:
    """Placeholder until the sender lands."""
    return 0
