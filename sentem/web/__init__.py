"""The web shell: health check, language switch, error pages, security headers."""
from flask import Blueprint

bp = Blueprint("web", __name__)

from ..jobs import inprocess  # noqa: E402,F401  (job_runs table)
from ..security import datakeys  # noqa: E402,F401  (data_keys table)
from . import errors, headers, routes  # noqa: E402,F401
from ..privacy import retention  # noqa: E402,F401  (retention tables, health check)
