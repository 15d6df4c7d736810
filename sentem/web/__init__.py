"""The web shell: health check, language switch, error pages, security headers."""
from flask import Blueprint

from .. import health
from ..jobs import heartbeat
from . import converters

bp = Blueprint("web", __name__)


def init_app(app) -> None:
    # Before any feature adds a rule: their ``<int:…>`` parts are bounded (see converters).
    converters.install(app)
    from . import errors, head, headers, nul, routes  # noqa: F401  (views, error pages, headers, HEAD, NUL)

    app.register_blueprint(bp)
    # The shell serves /healthz; the scheduler's heartbeat is one of its checks.
    health.add(app, "scheduler", heartbeat.health_check)
