"""Checkout, payments, cancellations and refunds."""
from flask import Blueprint

bp = Blueprint("orders", __name__)

from . import models, records, routes  # noqa: E402,F401
from .gateways import testgateway  # noqa: E402,F401  (the test gateway's ledger table)
