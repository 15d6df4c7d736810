"""The staff area, gated once for the whole blueprint; one module per area."""
import importlib

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import audit_fallbacks, audit_sections, filters, models, records  # noqa: E402,F401

# Each area module adds its views to ``bp``; areas not built yet are skipped.
AREAS = ("auth", "gate", "dashboard", "staff", "members", "orders", "shipping", "rights", "support",
         "policy", "marketing", "retention", "accesslog", "reviews", "audit", "plan")

for _area in AREAS:
    try:
        importlib.import_module(f"{__name__}.{_area}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"{__name__}.{_area}":
            raise
