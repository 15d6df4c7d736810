"""Catalog and cart."""
from flask import Blueprint

bp = Blueprint("shop", __name__)


def init_app(app) -> None:
    """Routes, tables, and the catalog's page cache in front of the app (see ``pagecache``)."""
    from . import models, pagecache, routes  # noqa: F401  (tables, views)

    app.register_blueprint(bp)
    pagecache.install(app)
