"""A small page cache for anonymous catalog views (home, listing, product pages).

Each process keeps up to ``MAX_ENTRIES`` rendered pages, keyed by the catalog's
version, the language and the URL. The version is read from the database on every
request (one small query: counts and sums of revision numbers, which every product
or category change bumps), so a change made by any process is seen by all at once:
nothing here is state another process needs, only a copy it can rebuild.

Members are never served from the cache (their pages carry a CSRF token and their
cart), nor is anyone with flashed messages waiting.
"""
from __future__ import annotations

import functools
import threading
from collections import OrderedDict

from flask import Response, current_app, make_response, request, session
from flask_login import current_user
from ..extensions import db

MAX_ENTRIES = 256
_lock = threading.Lock()

_VERSION_SQL = (
    "SELECT (SELECT count(*) FROM products), (SELECT coalesce(sum(revision), 0) FROM products), "
    "(SELECT coalesce(max(id), 0) FROM products), (SELECT count(*) FROM categories), "
    "(SELECT coalesce(sum(revision), 0) FROM categories)")


def catalog_version() -> tuple:
    """Changes whenever any product or category is added, changed or removed.

    Read on a pooled DBAPI connection directly: this runs on every catalog request,
    and the ORM session machinery would cost ten times the query itself.
    """
    conn = db.engine.raw_connection()
    try:
        cur = conn.cursor()
        cur.execute(_VERSION_SQL)
        row = cur.fetchone()
        cur.close()
    finally:
        conn.close()
    return tuple(row)


def _store() -> OrderedDict:
    # One store per app object: two apps in a process (tests) never share pages.
    return current_app.extensions.setdefault("sentem_page_cache", OrderedDict())


def clear() -> None:
    with _lock:
        _store().clear()


def _cacheable() -> bool:
    return (request.method == "GET" and current_app.config.get("SENTEM_PAGE_CACHE", True)
            and not current_user.is_authenticated and not session.get("_flashes"))


def anonymous_cached(view):
    """Serve ``view`` from the cache for anonymous visitors when the catalog has not changed."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not _cacheable():
            return view(*args, **kwargs)
        from ..web.i18n import current_lang

        key = (catalog_version(), current_lang(), request.full_path)
        _pages = _store()
        with _lock:
            hit = _pages.get(key)
            if hit is not None:
                _pages.move_to_end(key)
        if hit is not None:
            body, mimetype = hit
            return Response(body, mimetype=mimetype)
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and "Set-Cookie" not in response.headers and not session.modified:
            with _lock:
                _pages[key] = (response.get_data(), response.mimetype)
                while len(_pages) > MAX_ENTRIES:
                    _pages.popitem(last=False)
        return response

    return wrapped
