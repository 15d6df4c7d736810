"""Address book, delivery requests, shipments and tracking."""
from flask import Blueprint

from ..staff.nav import register_nav

bp = Blueprint("delivery", __name__)


def init_app(app) -> None:
    """Routes, tables, registry entries, the delivery part of the self-audit and the shipping screens."""
    from . import admin, audit, models, records, routes  # noqa: F401  (tables, views)

    records.DECLARE.apply()
    audit.DECLARE.apply()
    app.register_blueprint(bp)
    register_nav(app, "admin.shipping", "배송", "shipping.view", order=40)
