"""Catalog, cart and home page views."""
from . import bp  # noqa: F401
