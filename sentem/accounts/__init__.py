"""Membership: signup with item-by-item consent, login, logout, password change and recovery."""
from flask import Blueprint

from ..extensions import login_manager
from ..privacy import members
from ..security import signed_in, throttle
from ..staff.nav import register_nav

bp = Blueprint("accounts", __name__)


def init_app(app) -> None:
    """Routes, the member loader, the privacy core's members port, registry entries and the
    staff's member screens."""
    from . import (admin, consents, history, id_check, label_domains, loader, privacy_port, records, recovery_routes,  # noqa: F401
                   reset_tokens, routes, session_views)  # (tables, views)

    for setting in ("SENTEM_LOGIN_RATE_LIMIT", "SENTEM_SIGNUP_RATE_LIMIT"):
        throttle.parse_rate(app.config.get(setting) or "30/minute")  # a bad value fails at start, not per request
    consents.DECLARE.apply()
    records.DECLARE.apply()
    label_domains.DECLARE_LABELS.apply(app)
    login_manager.user_loader(loader.load_member)
    signed_in.add(app, "_user_id")  # Flask-Login's key: a member's pages are private
    members.install(app, privacy_port.PORT)
    app.register_blueprint(bp)
    register_nav(app, "admin.members", "회원", "members.view", order=20)
