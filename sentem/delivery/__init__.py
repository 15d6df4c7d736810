"""Address book, delivery requests, shipments and tracking."""
from flask import Blueprint

bp = Blueprint("delivery", __name__)


def init_app(app) -> None:
    """Routes, tables, registry entries and the delivery part of the self-audit."""
    from . import audit, models, records, routes  # noqa: F401  (tables, views)

    records.DECLARE.apply()
    audit.DECLARE.apply()
    app.register_blueprint(bp)
