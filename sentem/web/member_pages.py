"""Catalog pages for signed-in members without running Flask: a WSGI layer.

The page cache (``shop.pagecache``) keeps the member variant of the home page, the listing
and product pages with the CSRF token cut out. This layer answers a member's GET of those
URLs from that copy when — and only when — one cheap check proves Flask would have shown
exactly it: the signed session cookie verifies (Flask's own serializer), holds nothing but
the login keys and the CSRF secret (no flashed message, nothing staff, nothing to save),
Flask-Login's "strong" identifier matches, and one query finds the server-side session
live and owned by that member (not withdrawn, same session epoch) with no "last used"
write due (with Redis sessions: one Redis read and one query). Anything else — a miss, a write due, an unknown key, the
database down — goes to Flask unchanged, which answers (and fills the copy). The token
put in is the session's own (Flask-WTF's signing of the session's secret), so a member
never sees another's. The copy holds no personal data; headers are those Flask sent.

A member's own ``/cart``, ``/orders`` and ``/me`` go the same way from a per-session copy
(``private_pages``): the same query also reads the member's page revision, which database
triggers raise on any change of what those pages show (``member_revs``), and for the cart
the revisions of the products in it; the copy is kept under the session, that revision,
the language and the URL, in this process's memory only, and dropped at logout.
"""
from __future__ import annotations

import datetime as _dt
import re
import threading
import time
from collections import OrderedDict
from hashlib import sha512

from itsdangerous import URLSafeTimedSerializer
from werkzeug.http import parse_cookie

from .. import clock
from ..accounts import loader, sessions
from ..extensions import db
from ..security import session_store
from ..shop import pagecache
from . import member_revs, private_pages

# The session keys of a signed-in member between requests; any other key may need Flask.
_HEX = re.compile(r"[0-9a-f]{64}")
_NONE = (None, None, None)
_KEYS = frozenset({"_user_id", "_fresh", "_id", sessions.SESSION_KEY, loader.EPOCH_KEY, "csrf_token"})


def _check_sql(id_hash: str, columns: str) -> str:
    # The hash is a hex digest computed here (checked), the columns fixed SQL: no request text.
    if not _HEX.fullmatch(id_hash):
        raise ValueError("not a session hash")
    return ("SELECT ls.kind, ls.owner_id, ls.last_seen_at, ls.expires_at, ls.idle_seconds, m.status, "
            f"m.session_epoch, {columns} FROM login_sessions ls "
            f"JOIN members m ON m.id = ls.owner_id WHERE ls.id_hash = '{id_hash}'")


def _utc(value) -> _dt.datetime:
    # SQLite hands the stored text back (the column type is not applied to a raw query).
    return clock.as_utc(_dt.datetime.fromisoformat(value) if isinstance(value, str) else value)


def _identifier(environ) -> str:
    # Flask-Login's ``_create_identifier`` ("strong" session protection) on the same values
    # (Werkzeug's request headers and ``remote_addr`` read these environ keys as they are).
    address = environ.get("HTTP_X_FORWARDED_FOR", environ.get("REMOTE_ADDR"))
    if address is not None:
        address = address.encode("utf-8").split(b",")[0].strip()
    agent = environ.get("HTTP_USER_AGENT")
    if agent is not None:
        agent = agent.encode("utf-8")
    return sha512(f"{address}|{agent}".encode("utf8")).hexdigest()


class _Cookies:
    """Verified session cookies, decoded once: cookie text -> (session data, signed at, CSRF token).

    Bounded and in memory only; an entry is dropped when its session fails the check (ended,
    logged out), and it never outlives the cookie's own signature age limit."""

    def __init__(self, size: int = 4096):
        self.size, self.entries, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, value: str):
        with self.lock:
            found = self.entries.get(value)
            if found is not None:
                self.entries.move_to_end(value)
            return found

    def put(self, value: str, entry) -> None:
        with self.lock:
            self.entries[value] = entry
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def drop(self, value: str) -> None:
        with self.lock:
            self.entries.pop(value, None)


class MemberPages:
    """WSGI layer: members' GETs of the catalog pages from the page cache, and of ``/cart``,
    ``/orders`` and ``/me`` from the session's own copy."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.app = app
        self._engine = None
        self._cookies = _Cookies()
        self.private = private_pages.PrivatePages()

    def _session(self, value: str | None) -> tuple | None:
        """(session data, CSRF token) of a verified cookie holding only a member's login keys."""
        if not value:
            return None
        max_age = int(self.app.permanent_session_lifetime.total_seconds())
        found = self._cookies.get(value)
        if found is not None and time.time() - found[1] <= max_age:
            return found[0], found[2]
        interface = self.app.session_interface
        try:
            data, signed = interface.get_signing_serializer(self.app).loads(
                value, max_age=max_age, return_timestamp=True)
        except Exception:  # noqa: BLE001  (a bad or old cookie: Flask decides what it means)
            return None
        if not (isinstance(data, dict) and _KEYS.issuperset(data) and isinstance(data.get("csrf_token"), str)):
            return None
        token = self._token(data["csrf_token"])
        self._cookies.put(value, (data, signed.timestamp(), token))
        return data, token

    def _token(self, secret: str) -> bytes:
        # Flask-WTF's ``generate_csrf`` for this session's secret (same key, salt and format);
        # with no time limit (``WTF_CSRF_TIME_LIMIT`` None) a token stays valid with its session.
        key = self.app.config.get("WTF_CSRF_SECRET_KEY") or self.app.secret_key
        return URLSafeTimedSerializer(key, salt="wtf-csrf-token").dumps(secret).encode()

    def _check(self, data: dict, environ, columns: str) -> tuple | None:
        """The page's catalog version when the member check passes (the one Flask-Login and
        ``accounts.loader`` make, read-only), else None."""
        user_id, token = data.get("_user_id"), data.get(sessions.SESSION_KEY)
        if not (isinstance(user_id, str) and user_id.isdigit() and isinstance(token, str)
                and data.get("_id") == _identifier(environ)):
            return None
        s, row = self._redis_check(token, columns) if self.app.config.get("SENTEM_REDIS_URL") else \
            self._database_check(token, columns)
        if s is None or row is None:
            return None
        status, epoch, version = row[0], row[1], tuple(row[2:])
        now = clock.now()
        ok = (s.alive(now) and s.kind == sessions.KIND and s.owner_id == int(user_id) and status != "withdrawn"
              and data.get(loader.EPOCH_KEY, 0) == epoch and now - s.last_seen_at < session_store.TOUCH_EVERY)
        return version if ok else None

    def _database_check(self, token: str, columns: str) -> tuple:
        # One round trip: the session joined to its member, and the page's version.
        row = pagecache.fetch_one(self._engine, _check_sql(session_store.hash_of(token), columns))
        if row is None:
            return None, None
        kind, owner_id, seen, expires, idle = row[:5]
        seen = _utc(seen)
        return session_store.Session("", kind, owner_id, seen, seen, _utc(expires), idle, ""), row[5:]

    def _redis_check(self, token: str, columns: str) -> tuple:
        # The session from Redis (read only), then the member and the version in one query.
        with self.app.app_context():
            s = session_store.peek(session_store.hash_of(token))
        if s is None:
            return None, None
        return s, pagecache.fetch_one(self._engine, f"SELECT m.status, m.session_epoch, "
                                      f"{columns} FROM members m WHERE m.id = {s.owner_id:d}")

    def _key(self, environ):
        """(cache key, the session's CSRF token, the session's hash on a private page else None)."""
        if (environ.get("REQUEST_METHOD") != "GET" or not self.app.config.get("SENTEM_PAGE_CACHE", True)
                or self.app.config.get("WTF_CSRF_TIME_LIMIT") is not None):
            return _NONE  # tokens that age: Flask's own way
        path = environ.get("PATH_INFO", "")
        match = pagecache.CATALOG_PATH.match(path)
        if match is None and path not in private_pages.PATHS:
            return _NONE
        cookies = environ.get(pagecache.COOKIES) or parse_cookie(environ)
        value = cookies.get(self.app.config.get("SESSION_COOKIE_NAME", "session"))
        found = self._session(value)
        if found is None:
            return _NONE
        data, token = found
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        if match is None:
            columns = member_revs.columns(path)
        else:
            columns = pagecache.version_columns(
                pagecache.product_id_of(int(match.group(2)[1:])) if match.group(2) else None)
        try:
            version = self._check(data, environ, columns)
        except Exception:  # noqa: BLE001  (the database is away: Flask answers with its 503 page)
            return _NONE
        if version is None:
            self._forget(value, data)
            return _NONE
        lang = cookies.get("lang")
        if lang not in self.app.config["LANGUAGES"]:
            lang = self.app.config["BABEL_DEFAULT_LOCALE"]
        url = path + "?" + environ.get("QUERY_STRING", "")
        if match is not None:
            return ("wsgi-member", version, lang, url), token, None
        id_hash = session_store.hash_of(data[sessions.SESSION_KEY])
        return (id_hash, data["_user_id"], version, lang, url), token, id_hash

    def _forget(self, value: str, data: dict | None) -> None:
        # A session that logs out or fails the check: its decoded cookie and its pages go.
        self._cookies.drop(value)
        token = (data or {}).get(sessions.SESSION_KEY)
        if isinstance(token, str):
            self.private.drop_session(session_store.hash_of(token))

    def _logout(self, environ) -> None:
        cookies = parse_cookie(environ)
        value = cookies.get(self.app.config.get("SESSION_COOKIE_NAME", "session"))
        found = self._session(value)
        if found is not None:
            self._forget(value, found[0])

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") == "/logout":
            self._logout(environ)  # before Flask: whatever it answers, the copies are not needed
        key, token, private = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        hit = self.private.get(key) if private else pagecache.get(self.app, key)
        if hit is not None:
            status, headers, body = hit
            body = body.replace(pagecache.CSRF_MARK, token)
            start_response(status, [*headers, ("Content-Length", str(len(body)))])
            return [body]
        if private:
            environ[private_pages.PRIVATE] = True
        status, headers, body = pagecache.run_capturing(self.wsgi_app, environ, start_response)
        page = _private_copy(environ, body, key[1]) if private else environ.get(pagecache.MEMBER_PAGE)
        if page is not None and pagecache.storable(status, headers):
            kept = tuple((k, v) for k, v in headers if k.lower() != "content-length")
            if private:
                self.private.put(key, (status, kept, page))
            else:
                pagecache.put(self.app, key, (status, kept, page))
        return [body]


def _private_copy(environ, body: bytes, user_id: str) -> bytes | None:
    """The private page to keep (its CSRF token cut out), or None: Flask rendered it for
    someone else than the session the layer checked, or the page already holds the mark."""
    used = environ.get(private_pages.USED)
    if used is None or used[1] != user_id or pagecache.CSRF_MARK in body:
        return None
    token = used[0]
    return body.replace(token.encode(), pagecache.CSRF_MARK) if token else body


def install(app) -> None:
    """Put the member layer in front of ``app``'s Flask (once; before any proxy fix wraps it)."""
    if not isinstance(app.wsgi_app, MemberPages):
        app.wsgi_app = MemberPages(app.wsgi_app, app)
        private_pages.install(app)
        member_revs.install()
