"""The privacy policy pages, rendered from the registry, and its versions."""
from flask import Blueprint

bp = Blueprint("policy", __name__)


def init_app(app) -> None:
    from . import routes  # noqa: F401  (views)

    app.register_blueprint(bp)
