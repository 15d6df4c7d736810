"""The privacy policy pages, rendered from the registry, and its versions."""
from flask import Blueprint

from ..staff.nav import register_nav

bp = Blueprint("policy", __name__)


def init_app(app) -> None:
    """The policy pages and the staff's policy screen (versions, publishing, registers)."""
    from . import admin, routes  # noqa: F401  (views)

    app.register_blueprint(bp)
    register_nav(app, "admin.policy", "처리방침·공지", "policy.view", order=70)
