"""Every period and deadline a page shows, read from the registry, as the template global ``periods``.

Templates write ``{{ periods.destruction_days }}`` or ``{{ periods.retention('orders') }}``
instead of typing "5일" or "3년", so a number changes in one place (the registry) and
every page follows. ``init_app`` registers it; importing this module registers nothing.
"""
from __future__ import annotations

from flask import Flask, current_app
from flask_babel import get_locale

from . import deadlines
from .registry import REGISTRY


class Periods:
    """The registry's periods and deadlines, with the shop's configured return window."""

    destruction_days = deadlines.DESTRUCTION_DEADLINE_DAYS
    rights_answer_days = deadlines.RIGHTS_ANSWER_DAYS
    policy_notice_days = deadlines.POLICY_NOTICE_DAYS
    refund_business_days = deadlines.REFUND_BUSINESS_DAYS
    marketing_notice_years = deadlines.MARKETING_NOTICE_YEARS
    defect_return_months = deadlines.DEFECT_RETURN_MONTHS
    defect_known_days = deadlines.DEFECT_KNOWN_DAYS

    @property
    def return_window_days(self) -> int:
        """Days from delivery for a return (SENTEM_RETURN_WINDOW_DAYS, else the legal 7)."""
        return int(current_app.config.get("SENTEM_RETURN_WINDOW_DAYS", deadlines.RETURN_WINDOW_DAYS))

    @staticmethod
    def retention(record_class: str, lang: str | None = None) -> str:
        """How long ``record_class`` is kept, in the page's language ("5년" / "5 years")."""
        if lang is None:
            locale = get_locale()
            lang = "en" if locale is not None and locale.language == "en" else "ko"
        return REGISTRY.record_class(record_class).retention.describe(lang)


PERIODS = Periods()


def init_app(app: Flask) -> None:
    """Make ``periods`` available to every template of ``app``."""
    app.jinja_env.globals["periods"] = PERIODS
