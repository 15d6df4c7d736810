"""Consultation board (상담 게시판), notices, and marketing sends."""
from flask import Blueprint

bp = Blueprint("support", __name__)

from . import marketing, marketing_records, models, records, routes  # noqa: E402,F401  (routes, registry, jobs)
