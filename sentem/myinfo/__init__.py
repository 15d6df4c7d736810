"""My info: the four rights (access, correction, deletion, suspension) and withdrawal."""
from flask import Blueprint

bp = Blueprint("myinfo", __name__)

from . import audit, models, records, routes  # noqa: E402,F401  (registers routes and registry entries)
