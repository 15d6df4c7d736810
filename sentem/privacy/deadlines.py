"""The policy's periods and deadlines, and how a retention period counts.

Part of the registry (which re-exports all of it): code, pages and templates read a
number of days or years here, never type it. ``Retention`` is the one place that
counts a period forwards (``until``) and backwards (``cutoff``); the calendar rule
for 29 February is ``clock.add_years``.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .. import clock

# How long destruction may take once a period ends or a purpose is achieved (policy §5).
DESTRUCTION_DEADLINE_DAYS = 5
# How long before it takes effect a policy change must be announced (policy §8).
POLICY_NOTICE_DAYS = 7
# Terms of use (전자상거래 표준약관 제3조): a change that disadvantages members is announced
# at least 30 days ahead (any other change: POLICY_NOTICE_DAYS).
TERMS_DISADVANTAGE_NOTICE_DAYS = 30
# Answer deadline for rights requests (PIPA Art. 35–38, enforcement decree: 10 days).
RIGHTS_ANSWER_DAYS = 10
# Refund after a cancellation or a returned parcel: 3 business days (전자상거래법 제18조).
REFUND_BUSINESS_DAYS = 3
# 청약철회 (return) window from delivery: 7 days (전자상거래법 제17조), the default and the
# legal minimum; an operator may lengthen it with SENTEM_RETURN_WINDOW_DAYS.
RETURN_WINDOW_DAYS = 7
# 전자상거래법 §17③: goods not as shown or ordered may be returned within 3 months of receipt,
# or within 30 days of the day the buyer knew (or could have known) it.
DEFECT_RETURN_MONTHS = 3
DEFECT_KNOWN_DAYS = 30
# Consenting members are told their marketing-consent status every 2 years (정보통신망법 제50조⑧).
MARKETING_NOTICE_YEARS = 2


@dataclass(frozen=True)
class Retention:
    """How long a record class is kept, and — the one place that counts it — when it ends.

    ``years`` None means "until the purpose ends" (withdrawal or the member's own
    deletion); otherwise the count runs from ``starts`` (an event name such as
    ``transaction``, ``delivery``, ``answer``, ``event``). ``until`` and ``cutoff``
    are the two directions of the same count; the calendar arithmetic (29 February)
    is ``clock.add_years``.
    """

    years: int | None = None
    starts: str = "withdrawal"
    days: int | None = None

    @property
    def bounded(self) -> bool:
        """Whether the period ends by itself (a number of years or days), not only with withdrawal."""
        return bool(self.years or self.days)

    def until(self, start: _dt.datetime) -> _dt.datetime | None:
        """The retain-until instant for a record whose start event was at ``start``."""
        if not self.bounded:
            return None
        return clock.add_years(start, self.years or 0) + _dt.timedelta(days=self.days or 0)

    def cutoff(self, as_of: _dt.datetime) -> _dt.datetime | None:
        """The start-event instant before which a record has outlived this period at ``as_of``.

        A record whose start event was strictly before the cutoff is past its period.
        Never early: ``until(start) <= as_of`` for every such start (on 29 February the
        count errs by a day towards keeping, well inside the destruction deadline).
        """
        if not self.bounded:
            return None
        # ``until`` in reverse: days off first, then years (so each step undoes its own).
        return clock.add_years(clock.as_utc(as_of) - _dt.timedelta(days=self.days or 0), -(self.years or 0))

    def describe(self, lang: str = "ko") -> str:
        if not self.bounded:
            return "회원 탈퇴 시까지" if lang == "ko" else "until withdrawal"
        if self.years:
            return f"{self.years}년" if lang == "ko" else f"{self.years} years"
        return f"{self.days}일" if lang == "ko" else f"{self.days} days"
