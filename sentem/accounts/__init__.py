"""Membership: signup with item-by-item consent, login, logout."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from . import loader, models, records, routes  # noqa: E402,F401  (registers routes and registry entries)
