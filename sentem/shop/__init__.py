"""Catalog and cart."""
from flask import Blueprint
from sqlalchemy import event

from ..db_types import PG_EXTENSIONS_DDL
from ..staff.nav import register_nav

bp = Blueprint("shop", __name__)


def init_app(app) -> None:
    """Routes, tables, the catalog's page cache in front of the app (see ``pagecache``) and the
    staff's catalog screens."""
    from . import admin, models, pagecache, routes  # noqa: F401  (tables, views)

    app.register_blueprint(bp)
    pagecache.install(app)
    register_nav(app, "admin.catalog_products", "상품 관리", "catalog.manage", order=25)
    register_nav(app, "admin.catalog_categories", "상품 분류", "catalog.manage", order=26)
    # create_all (benches, throwaway schemas) needs pg_trgm before the title search index;
    # migrations create it in migrations/env.py.
    for ddl in PG_EXTENSIONS_DDL:
        if not event.contains(models.Product.__table__, "before_create", ddl):  # once, however many apps
            event.listen(models.Product.__table__, "before_create", ddl)
