"""The privacy policy pages, rendered from the registry, and its versions."""
from flask import Blueprint

bp = Blueprint("policy", __name__)

from ..privacy import policy_versions, registers  # noqa: E402,F401  (models, init step)
from . import routes  # noqa: E402,F401
