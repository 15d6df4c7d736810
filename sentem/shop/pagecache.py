"""A small page cache for the catalog views (home, listing, product pages).

Each process keeps up to ``MAX_ENTRIES`` rendered pages, keyed by the catalog's
version, the language and the URL. The version is read from the database on every
request — one primary-key read of ``catalog_version`` (``models.CatalogVersion``),
plus that product's ``revision`` on a product page — so a change made by any process
is seen by all at once, the check costs the same at 500 or 500,000 products, and a
sale that leaves a product in stock invalidates only that product's page. Nothing
here is state another process needs, only a copy it can rebuild.

Members get the same pages from a second variant of each entry: the page as any member
sees it (the signed-in header), stored with the request's CSRF token cut out and put
back per request from ``generate_csrf`` — the session's own valid token, so no member
ever sees another's. The pages show nothing else of the member (no name, no cart
count); the entry holds no personal data. Nobody with flashed messages waiting is
served from the cache.

Two layers share the store: ``cached_page`` (inside Flask, for members and for
visitors that have a session cookie) and ``CatalogMiddleware`` (in front of Flask,
for visitors without any session or remember cookie — most catalog traffic): it
answers a hit with the exact status line, headers and body Flask produced for the
same URL, language and catalog version, without running the request machinery.
``web.member_pages`` does the same for members, after its own session check.
"""
from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict

from flask import Response, current_app, g, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import exc as sa_exc

from ..extensions import db
from ..i18n import current_lang

MAX_ENTRIES = 512
CATALOG_PATH = re.compile(r"^/(products(/[0-9]{1,10})?)?$")
CACHEABLE_FLAG = "sentem.page_cacheable"
# The member page (token cut out) this request showed, for a WSGI layer in front (``web.member_pages``).
MEMBER_PAGE = "sentem.member_page"
COOKIES = "sentem.cookies"  # the request's parsed cookies, for the layer behind
# Stands for the member's CSRF token in a stored member page (never a valid token's text:
# Flask-WTF tokens are URL-safe base64 and dots).
CSRF_MARK = b"<!--sentem:csrf-->"
_lock = threading.Lock()

_CATALOG_VERSION = "coalesce((SELECT n FROM catalog_version WHERE id = 1), 0)"
_PRODUCT_REVISION = ", (SELECT revision FROM products WHERE id = {:d})"


def catalog_version(product_id: int | None = None) -> tuple:
    """Changes whenever what the page shows may have changed.

    Listings: the catalog's version. A product page: that and the product's revision.
    Read on a pooled DBAPI connection directly: this runs on every catalog request,
    and the ORM session machinery would cost ten times the query itself.
    """
    return version_on(db.engine, product_id)


def version_columns(product_id: int | None = None) -> str:
    """The SELECT list reading ``catalog_version``'s tuple (a caller may add it to its own query)."""
    # The id is an int formatted as such (``{:d}``), never text from the request.
    return _CATALOG_VERSION if product_id is None else _CATALOG_VERSION + _PRODUCT_REVISION.format(product_id)


def version_on(engine, product_id: int | None = None) -> tuple:
    """``catalog_version`` read through ``engine`` (the WSGI layers run outside any app context)."""
    return tuple(fetch_one(engine, "SELECT " + version_columns(product_id)))


def fetch_one(engine, sql: str):
    """The first row of ``sql`` (no parameters: callers format only ints and hex digests)."""
    dbapi = engine.dialect.loaded_dbapi
    try:
        conn = engine.raw_connection()
        try:
            cur = conn.cursor()
            cur.execute(sql)
            row = cur.fetchone()
            cur.close()
        finally:
            conn.close()
    except (dbapi.OperationalError, dbapi.InterfaceError) as exc:
        # The raw connection raises the driver's own error: SQLAlchemy's class lets the
        # shop answer its 503 page (``web.errors``) when the database is down.
        raise sa_exc.OperationalError(sql, None, exc) from exc
    return row


def product_id_of(value) -> int | None:
    """The product id a page URL names, or None (a listing, or an id no product can have)."""
    # Ids beyond the column's range name no product: the page is a 404, keyed like a listing.
    return value if isinstance(value, int) and 0 < value < 2**31 else None


def _store(app=None) -> OrderedDict:
    # One store per app object: two apps in a process (tests) never share pages.
    return (app or current_app).extensions.setdefault("sentem_page_cache", OrderedDict())


def get(app, key):
    """The entry stored under ``key`` in ``app``'s cache, or None (for the WSGI layers)."""
    return _get(_store(app), key)


def put(app, key, value) -> None:
    """Store ``value`` under ``key`` in ``app``'s cache (bounded, least recently used out)."""
    _put(_store(app), key, value)


def _get(store: OrderedDict, key):
    with _lock:
        hit = store.get(key)
        if hit is not None:
            store.move_to_end(key)
        return hit


def _put(store: OrderedDict, key, value) -> None:
    with _lock:
        store[key] = value
        while len(store) > MAX_ENTRIES:
            store.popitem(last=False)


def clear() -> None:
    with _lock:
        _store().clear()


def _cacheable() -> bool:
    return (request.method == "GET" and current_app.config.get("SENTEM_PAGE_CACHE", True)
            and not session.get("_flashes"))


def _csrf_field() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def _member_body(response, before: dict) -> bytes | None:
    """The member page to store with its CSRF token cut out, or None when it cannot be shared:
    a cookie set by the view, or a session change other than Flask-WTF's token."""
    token = g.get(_csrf_field())
    body = response.get_data()
    field = _csrf_field()
    after = {k: v for k, v in session.items() if k != field}
    if (not token or token.encode() not in body or CSRF_MARK in body or "Set-Cookie" in response.headers
            or after != {k: v for k, v in before.items() if k != field}):
        return None
    return body.replace(token.encode(), CSRF_MARK)


def cached_page(view):
    """Serve ``view`` from the cache when the catalog has not changed: the anonymous page to
    visitors, the member page (with the session's own CSRF token put in) to members."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not _cacheable():
            return view(*args, **kwargs)
        member = current_user.is_authenticated
        key = (catalog_version(product_id_of((request.view_args or {}).get("product_id"))),
               current_lang(), request.full_path, member)
        store = _store()
        hit = _get(store, key)
        if hit is not None:
            body, mimetype = hit
            if member:
                request.environ[MEMBER_PAGE] = body
                body = body.replace(CSRF_MARK, generate_csrf().encode())
            return Response(body, mimetype=mimetype)
        before = dict(session) if member else None
        response = make_response(view(*args, **kwargs))
        if response.status_code != 200:
            return response
        if member:
            body = _member_body(response, before)
            if body is not None:
                _put(store, key, (body, response.mimetype))
                request.environ[MEMBER_PAGE] = body
        elif "Set-Cookie" not in response.headers and not session.modified:
            _put(store, key, (response.get_data(), response.mimetype))
            request.environ[CACHEABLE_FLAG] = True  # the middleware may keep the whole response
        return response

    return wrapped


class CatalogMiddleware:
    """WSGI layer: cookie-less GETs of ``/``, ``/products`` and ``/products/<id>`` from the cache."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.app = app
        self._engine = None

    def _key(self, environ):
        match = CATALOG_PATH.match(environ.get("PATH_INFO", "")) if environ.get("REQUEST_METHOD") == "GET" else None
        if match is None:
            return None
        if not self.app.config.get("SENTEM_PAGE_CACHE", True):
            return None
        from werkzeug.http import parse_cookie

        cookies = environ[COOKIES] = parse_cookie(environ)
        if self.app.config.get("SESSION_COOKIE_NAME", "session") in cookies or "remember_token" in cookies:
            return None
        lang = cookies.get("lang")
        if lang not in self.app.config["LANGUAGES"]:
            lang = self.app.config["BABEL_DEFAULT_LOCALE"]
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        product = product_id_of(int(match.group(2)[1:])) if match.group(2) else None
        try:
            version = version_on(self._engine, product)
        except sa_exc.OperationalError:
            return None  # the database is down: Flask answers (its 503 page), nothing is cached
        return ("wsgi", version, lang, environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", ""))

    def __call__(self, environ, start_response):
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        store = _store(self.app)
        hit = _get(store, key)
        if hit is not None:
            status, headers, body = hit
            start_response(status, list(headers))
            return [body]
        status, headers, body = run_capturing(self.wsgi_app, environ, start_response)
        if environ.get(CACHEABLE_FLAG) and storable(status, headers):
            _put(store, key, (status, tuple(headers), body))
        return [body]


def run_capturing(wsgi_app, environ, start_response) -> tuple[str, list, bytes]:
    """Run ``wsgi_app`` (answering through ``start_response`` as usual) and keep what it said:
    its status line, headers and whole body, for a cache layer to store."""
    captured = {}

    def capture(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers
        return start_response(status, headers, exc_info)

    result = wsgi_app(environ, capture)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return captured.get("status", ""), captured.get("headers") or [], body


def storable(status: str, headers) -> bool:
    """A 200 answer that sets no cookie: the same for everyone who gets its cache key."""
    return status.startswith("200") and not any(k.lower() == "set-cookie" for k, _ in headers)


def install(app) -> None:
    """Put the catalog cache in front of ``app`` (once)."""
    if not isinstance(app.wsgi_app, CatalogMiddleware):
        app.wsgi_app = CatalogMiddleware(app.wsgi_app, app)
