"""The legal pages: the privacy policy rendered from the registry, the terms of use, and their versions."""
from flask import Blueprint

from .. import init_steps
from ..staff.nav import register_nav
from . import processors, services

bp = Blueprint("policy", __name__)


def init_app(app) -> None:
    """The policy and terms pages, the staff's policy screen, the configured processors as
    entrustees, and the ``flask init`` steps that publish terms v1 and draft what configuration changed."""
    from . import admin, routes, terms_routes  # noqa: F401  (views)

    processors.DECLARE.apply()
    app.register_blueprint(bp)
    register_nav(app, "admin.policy", "처리방침·공지", "policy.view", order=70)
    init_steps.add(app, services.ensure_first_terms, services.sync)
