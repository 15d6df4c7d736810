"""Checkout and order views."""
from . import bp  # noqa: F401
