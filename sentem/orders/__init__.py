"""Checkout, payments, cancellations and refunds.

Orders import nothing of delivery: delivery builds on orders (``services`` is the
API it calls) and installs the fulfilment port (``fulfilment``) through which
checkout, returns and the order pages reach it.
"""
from flask import Blueprint

from ..jobs import schedule
from ..staff.nav import register_count, register_nav

bp = Blueprint("orders", __name__)


def init_app(app) -> None:
    """Routes, tables (the test gateway's ledger too), registry entries, the payment-recovery and
    refund-deadline jobs and the staff's order screens."""
    from . import (admin, guest_admin, label_domains, guest_models, guest_records, guest_routes, jobs, models,  # noqa: F401
                   pg_routes, records, routes)
    from .gateways import testgateway  # noqa: F401  (the test gateway's ledger table)

    records.DECLARE.apply()
    label_domains.DECLARE_LABELS.apply(app)
    guest_records.DECLARE.apply()
    # A lost payment answer holds stock and the member's goods: settle it within minutes.
    schedule.add(app, schedule.Recurring("payment-recovery", jobs.payment_recovery_job, "*/5 * * * *"))
    # Refunds are due within 3 business days: flag overdue ones, hourly.
    schedule.add(app, schedule.Recurring("refund-deadlines", jobs.refund_deadline_job, "0 * * * *"))
    app.register_blueprint(bp)
    register_nav(app, "admin.orders", "주문·환불", "orders.view", order=30)
    register_count(app, "admin.orders", admin.open_refunds_count)
