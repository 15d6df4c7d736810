"""Catalog and cart."""
from flask import Blueprint

bp = Blueprint("shop", __name__)

from . import models, routes  # noqa: E402,F401
from .pagecache import install as _install_page_cache  # noqa: E402

# The catalog's page cache sits in front of the app (see ``pagecache``).
bp.record_once(lambda state: _install_page_cache(state.app))
