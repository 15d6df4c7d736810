"""Membership: signup with item-by-item consent, login, logout."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from ..privacy import consent  # noqa: E402,F401  (consent_events table, ledger record class)
from . import consents, history, loader, models, records, routes  # noqa: E402,F401  (routes, registry entries)
