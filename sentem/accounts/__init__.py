"""Membership: signup with item-by-item consent, login, logout."""
from flask import Blueprint

from ..extensions import login_manager
from ..privacy import members

bp = Blueprint("accounts", __name__)


def init_app(app) -> None:
    """Routes, the member loader, the privacy core's members port and registry entries."""
    from . import consents, history, loader, privacy_port, records, routes  # noqa: F401  (tables, views)

    consents.DECLARE.apply()
    records.DECLARE.apply()
    login_manager.user_loader(loader.load_member)
    members.install(app, privacy_port.PORT)
    app.register_blueprint(bp)
