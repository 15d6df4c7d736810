"""Catalog and cart."""
from flask import Blueprint
from sqlalchemy import event

from ..db_types import PG_EXTENSIONS_DDL

bp = Blueprint("shop", __name__)


def init_app(app) -> None:
    """Routes, tables, and the catalog's page cache in front of the app (see ``pagecache``)."""
    from . import models, pagecache, routes  # noqa: F401  (tables, views)

    app.register_blueprint(bp)
    pagecache.install(app)
    # create_all (benches, throwaway schemas) needs pg_trgm before the title search index;
    # migrations create it in migrations/env.py.
    for ddl in PG_EXTENSIONS_DDL:
        if not event.contains(models.Product.__table__, "before_create", ddl):  # once, however many apps
            event.listen(models.Product.__table__, "before_create", ddl)
