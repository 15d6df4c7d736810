"""The web shell: health check, language switch, error pages, security headers."""
from flask import Blueprint

from .. import health
from ..jobs import heartbeat

bp = Blueprint("web", __name__)


def init_app(app) -> None:
    from . import errors, headers, routes  # noqa: F401  (views, error pages, headers)

    app.register_blueprint(bp)
    # The shell serves /healthz; the scheduler's heartbeat is one of its checks.
    health.add(app, "scheduler", heartbeat.health_check)
