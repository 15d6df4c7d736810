"""Consultation board (상담 게시판), notices, and marketing sends."""
from flask import Blueprint

bp = Blueprint("support", __name__)

from . import marketing, models, records, routes  # noqa: E402,F401  (routes, registry entries, jobs)
