"""The staff area's edge: the blueprint-wide gate, staff sign-in, staff accounts, the
internal management plan, the dashboard and the privacy core's screens (``privacy/``).

The ``admin`` blueprint itself and what feature screens need (guard, roles, menu) live
below the features in ``sentem.staff``; each feature adds its own screens there from its
``init_app``. This package comes last: it registers the blueprint once every screen is on
it, and ``nav.check`` fails ``create_app`` when a menu entry names no view.
"""
from .. import init_steps
from ..staff import bp, nav


def init_app(app) -> None:
    """The edge's own screens and menu, the plan's first version, then the blueprint at ``/admin``."""
    from . import auth, dashboard, exports, gate, plan, staff  # noqa: F401  (views, the gate)
    from .privacy import accesslog, audit, retention, reviews  # noqa: F401  (views)

    for entry in (
        ("admin.dashboard", "대시보드", "dashboard.view", 10),
        ("admin.retention", "보존·파기", "retention.view", 80),
        ("admin.accesslog", "접속기록", "accesslog.view", 90),
        ("admin.reviews", "월간 점검", "reviews.view", 100),
        ("admin.audit_reports", "자체 감사", "audit.view", 110),
        ("admin.staff", "직원 관리", "staff.manage", 120),
        ("admin.downloads_page", "내려받기", "orders.download", 125),
        ("admin.plan", "내부관리계획", "plan.view", 130),
    ):
        nav.register_nav(app, *entry)
    nav.register_banner(app, retention.overdue_banner)
    nav.register_banner(app, plan.unacknowledged_banner)
    init_steps.add(app, plan.ensure_first_version)
    app.register_blueprint(bp, url_prefix="/admin")
    nav.check(app)
