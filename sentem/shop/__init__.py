"""Catalog and cart."""
from flask import Blueprint

bp = Blueprint("shop", __name__)

from . import models, routes  # noqa: E402,F401
