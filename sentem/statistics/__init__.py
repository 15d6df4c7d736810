"""Consent-gated statistics and campaign segments (issue 20).

The policy's "접속 빈도 파악, 이용 통계, 인구통계학적 특성에 따른 광고", limited to the
members who agreed: ``subjects`` decides who may be counted, ``pseudonyms`` keys them
(a new key every run), ``build`` (the nightly job) stages them (``staging``), brings the
pseudonymised profiles up to date (``profiles``, decrypting only what changed; ``changes``
says what changed since the last run) and the aggregate tables of ``models`` (``aggregates``), ``suppression`` hides small cells, ``reports`` and ``admin`` show them to staff, ``segments`` narrows
campaign audiences, and ``records`` declares all of it in the privacy registry.
"""
from ..jobs import schedule
from ..staff.nav import register_nav


def init_app(app) -> None:
    """Tables, registry declarations, the nightly job and the staff screen."""
    from . import admin, build, deletions, models, records, reports  # noqa: F401  (views, tables)

    records.DECLARE.apply()
    reports.DECLARE_LABELS.apply(app)
    records.extend_registry()
    deletions.install(app)  # orders and logins deleted by retention or withdrawal: marked for the next run
    # Nightly at 03:30 KST (18:30 UTC): after the day's logins and orders, before the shop's morning.
    schedule.add(app, schedule.Recurring("statistics-nightly", build.nightly_job, "30 18 * * *"))
    register_nav(app, "admin.statistics", "이용 통계", "statistics.view", order=74)
