"""The web shell: health check, language switch, error pages, security headers."""
from flask import Blueprint

bp = Blueprint("web", __name__)


def init_app(app) -> None:
    from . import errors, headers, routes  # noqa: F401  (views, error pages, headers)

    app.register_blueprint(bp)
