"""Address book, delivery requests, shipments and tracking.

Delivery builds on orders, not the other way round: its rows hang off orders, its
staff workflow moves an order only through ``orders.services`` (find, lock, list,
``transition``), and it never imports the orders' models or forms. Where orders need
delivery (the request taken at checkout, a return's pickup, the checkout prefill,
tracking on the order page) they call the fulfilment port that ``init_app``
installs (``orders.fulfilment``), so the two packages form no circle. They stay two
packages because they change for different reasons: the contract and its payments
on one side, addresses, parcels and carriers on the other.
"""
from flask import Blueprint

from ..orders import fulfilment
from ..staff.nav import register_count, register_nav

bp = Blueprint("delivery", __name__)


def init_app(app) -> None:
    """Routes, tables, registry entries, the self-audit section, the orders' fulfilment port and
    the shipping screens."""
    from . import admin, audit, label_domains, models, records, routes, services, staffview  # noqa: F401  (tables, views)

    records.DECLARE.apply()
    label_domains.DECLARE_LABELS.apply(app)
    audit.DECLARE.apply()
    fulfilment.install(app, fulfilment.Fulfilment(
        validate=services.validate_request, request=services.create_request,
        return_pickup=services.create_return_pickup, prefill=services.default_address,
        tracking=services.tracking_for, forget=records.destroy_for_orders, export=records.export_for_order))
    app.register_blueprint(bp)
    register_nav(app, "admin.shipping", "배송", "shipping.view", order=40)
    register_count(app, "admin.shipping", staffview.waiting_count)
