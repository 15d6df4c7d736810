"""Address book, delivery requests, shipments and tracking."""
from flask import Blueprint

bp = Blueprint("delivery", __name__)

from . import audit, models, records, routes  # noqa: E402,F401  (tables, registry, pages, self-audit)
