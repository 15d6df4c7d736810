"""Catalog pages for signed-in members without running Flask: a WSGI layer.

The page cache (``shop.pagecache``) keeps the member variant of the home page, the listing
and product pages with the CSRF token cut out. This layer answers a member's GET of those
URLs from that copy when — and only when — one cheap check proves Flask would have shown
exactly it: the signed session cookie verifies (Flask's own serializer), holds nothing but
the login keys and the CSRF secret (no flashed message, nothing staff, nothing to save),
Flask-Login's "strong" identifier matches, and one query finds the server-side session
live and owned by that member (not withdrawn, same session epoch) with no "last used"
write due. Anything else — a miss, Redis sessions, a write due, an unknown key, the
database down — goes to Flask unchanged, which answers (and fills the copy). The token
put in is the session's own (Flask-WTF's signing of the session's secret), so a member
never sees another's. The copy holds no personal data; headers are those Flask sent.
"""
from __future__ import annotations

from hashlib import sha512

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import bindparam, select
from werkzeug.http import parse_cookie
from werkzeug.wrappers import Request

from .. import clock
from ..accounts import loader, sessions
from ..accounts.models import Member
from ..extensions import db
from ..security import session_store
from ..shop import pagecache

# The session keys of a signed-in member between requests; any other key may need Flask.
_KEYS = frozenset({"_user_id", "_fresh", "_id", sessions.SESSION_KEY, loader.EPOCH_KEY, "csrf_token"})


def _check_statement():
    ls, m = session_store.LoginSession.__table__, Member.__table__
    return (select(ls.c.kind, ls.c.owner_id, ls.c.created_at, ls.c.last_seen_at, ls.c.expires_at,
                   ls.c.idle_seconds, m.c.status, m.c.session_epoch)
            .join_from(ls, m, m.c.id == ls.c.owner_id).where(ls.c.id_hash == bindparam("h")))


def _identifier(req: Request) -> str:
    # Flask-Login's ``_create_identifier`` ("strong" session protection), on the same request.
    address = req.headers.get("X-Forwarded-For", req.remote_addr)
    if address is not None:
        address = address.encode("utf-8").split(b",")[0].strip()
    agent = req.headers.get("User-Agent")
    if agent is not None:
        agent = agent.encode("utf-8")
    return sha512(f"{address}|{agent}".encode("utf8")).hexdigest()


class MemberPages:
    """WSGI layer: members' GETs of ``/``, ``/products`` and ``/products/<id>`` from the page cache."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.app = app
        self._engine = None
        self._statement = _check_statement()
        self._signer = None

    def _session(self, cookies) -> dict | None:
        value = cookies.get(self.app.config.get("SESSION_COOKIE_NAME", "session"))
        if not value:
            return None
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        try:
            data = serializer.loads(value, max_age=int(self.app.permanent_session_lifetime.total_seconds()))
        except Exception:  # noqa: BLE001  (a bad or old cookie: Flask decides what it means)
            return None
        return data if isinstance(data, dict) and _KEYS.issuperset(data) else None

    def _member_ok(self, data: dict, req: Request) -> bool:
        """The check Flask-Login and ``accounts.loader`` make, on the database store, read-only."""
        user_id, token = data.get("_user_id"), data.get(sessions.SESSION_KEY)
        if not (isinstance(user_id, str) and user_id.isdigit() and isinstance(token, str)
                and isinstance(data.get("csrf_token"), str) and data.get("_id") == _identifier(req)):
            return False
        row = self._run(session_store.hash_of(token))
        if row is None:
            return False
        kind, owner_id, created, seen, expires, idle, status, epoch = row
        now = clock.now()
        live = session_store.Session("", kind, owner_id, created, seen, expires, idle, "").alive(now)
        return (live and kind == sessions.KIND and owner_id == int(user_id) and status != "withdrawn"
                and data.get(loader.EPOCH_KEY, 0) == epoch and now - seen < session_store.TOUCH_EVERY)

    def _run(self, id_hash: str):
        with self._engine.connect() as conn:
            return conn.execute(self._statement, {"h": id_hash}).first()

    def _key(self, environ):
        if environ.get("REQUEST_METHOD") != "GET" or self.app.config.get("SENTEM_REDIS_URL"):
            return None, None  # sessions in Redis: Flask's own check
        match = pagecache.CATALOG_PATH.match(environ.get("PATH_INFO", ""))
        if match is None or not self.app.config.get("SENTEM_PAGE_CACHE", True):
            return None, None
        cookies = parse_cookie(environ)
        data = self._session(cookies)
        if data is None:
            return None, None
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        product = pagecache.product_id_of(int(match.group(2)[1:])) if match.group(2) else None
        try:
            if not self._member_ok(data, Request(environ)):
                return None, None
            version = pagecache.version_on(self._engine, product)
        except Exception:  # noqa: BLE001  (the database is away: Flask answers with its 503 page)
            return None, None
        lang = cookies.get("lang")
        if lang not in self.app.config["LANGUAGES"]:
            lang = self.app.config["BABEL_DEFAULT_LOCALE"]
        path = environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", "")
        return ("wsgi-member", version, lang, path), data

    def _token(self, data: dict) -> bytes:
        # Flask-WTF's ``generate_csrf`` for this session's secret (same key, salt and format).
        if self._signer is None:
            secret = self.app.config.get("WTF_CSRF_SECRET_KEY") or self.app.secret_key
            self._signer = URLSafeTimedSerializer(secret, salt="wtf-csrf-token")
        return self._signer.dumps(data["csrf_token"]).encode()

    def __call__(self, environ, start_response):
        key, data = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        hit = pagecache.get(self.app, key)
        if hit is not None:
            status, headers, body = hit
            body = body.replace(pagecache.CSRF_MARK, self._token(data))
            start_response(status, [*headers, ("Content-Length", str(len(body)))])
            return [body]
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        headers = captured.get("headers") or []
        page = environ.get(pagecache.MEMBER_PAGE)
        if (page is not None and captured.get("status", "").startswith("200")
                and not any(k.lower() == "set-cookie" for k, _ in headers)):
            kept = tuple((k, v) for k, v in headers if k.lower() != "content-length")
            pagecache.put(self.app, key, (captured["status"], kept, page))
        return [body]


def install(app) -> None:
    """Put the member layer in front of ``app``'s Flask (once; before any proxy fix wraps it)."""
    if not isinstance(app.wsgi_app, MemberPages):
        app.wsgi_app = MemberPages(app.wsgi_app, app)
