"""The web shell: health check, language switch, error pages, security headers."""
from flask import Blueprint
from werkzeug.middleware.proxy_fix import ProxyFix

from .. import formats, health, init_steps, privacy
from ..privacy import labels
from ..jobs import heartbeat
from . import converters, gettext, label_tables, member_pages, member_revs  # noqa: F401  (member_revs: its table)

bp = Blueprint("web", __name__)


def init_app(app) -> None:
    # The privacy core's health check and ``flask init`` steps, first in line (the core was
    # just initialised and imports neither registry); features add theirs after.
    for name, check in privacy.HEALTH_CHECKS:
        health.add(app, name, check)
    init_steps.add(app, *privacy.INIT_STEPS)
    # Before any feature adds a rule: their ``<int:…>`` parts are bounded (see converters).
    converters.install(app)
    from . import errors, head, headers, nul, routes  # noqa: F401  (views, error pages, headers, HEAD, NUL)

    app.register_blueprint(bp)
    # One label table, one money and one time format for every page (member and staff).
    labels.install(app, label_tables.registry_tables)
    formats.install(app, labels.label)
    gettext.install(app)  # one catalog lookup per page, not one per string
    # Members' catalog pages from the page cache, before Flask runs (inside any proxy fix,
    # which must have set the client address Flask-Login's identifier is checked against).
    member_pages.install(app)
    proxies = int(app.config.get("SENTEM_TRUSTED_PROXIES") or 0)
    if proxies:
        # The client address is the one the nearest ``proxies`` proxies saw; without any, an
        # X-Forwarded-For header is the client's own claim and is ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)
    # The shell serves /healthz; the scheduler's heartbeat is one of its checks.
    health.add(app, "scheduler", heartbeat.health_check)
