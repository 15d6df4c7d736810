"""Catalog and cart."""
from flask import Blueprint
from flask_login import user_logged_in
from sqlalchemy import event

from ..db_types import PG_EXTENSIONS_DDL
from ..extensions import csrf
from ..jobs import schedule
from ..staff.nav import register_nav

bp = Blueprint("shop", __name__)


def init_app(app) -> None:
    """Routes, tables, the guest cart's cookie, expiry job and merge at login, the catalog's page
    cache in front of the app (see ``pagecache``) and the staff's catalog screens."""
    from . import admin, cart_guest, cart_models, models, pagecache, routes  # noqa: F401  (tables, views)

    cart_guest.DECLARE.apply()
    # A visitor's cart may be expired by the clock alone; the job only frees the rows.
    schedule.add(app, schedule.Recurring("guest-cart-expiry", cart_guest.expire_job, "20 * * * *"))
    user_logged_in.connect(routes.merge_guest_cart_at_login, app)
    # Adding to a cart is open to visitors on cached catalog pages, which carry no per-session
    # token: the view checks the token for members and the request's origin for visitors.
    csrf.exempt(routes.cart_add)
    app.register_blueprint(bp)
    pagecache.install(app)
    register_nav(app, "admin.catalog_products", "상품 관리", "catalog.manage", order=25)
    register_nav(app, "admin.catalog_categories", "상품 분류", "catalog.manage", order=26)
    # create_all (benches, throwaway schemas) needs pg_trgm before the title search index;
    # migrations create it in migrations/env.py.
    for ddl in PG_EXTENSIONS_DDL:
        if not event.contains(models.Product.__table__, "before_create", ddl):  # once, however many apps
            event.listen(models.Product.__table__, "before_create", ddl)
