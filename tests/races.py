"""Helpers for race tests: requests lined up by a barrier, each with its own connection.

``race(app, actions)`` runs each action in its own thread with its own app context (so its
own session and database connection, as a separate request or process would have). Each
action may first *read* (``prepare``) — the stale read that made the old code double its
changes — then every thread waits at one ``threading.Barrier`` and all act at once.
Everything is bounded by timeouts; nothing sleeps.

``LiveClient`` speaks HTTP to the ``live_server`` fixture (the real app on a threaded
loopback server, CSRF on) with a session cookie, following no redirects, so a test can
submit one form many times at once exactly as a browser or an attacker would.
"""
from __future__ import annotations

import contextlib
import html
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from sentem.extensions import db

TIMEOUT = 120  # seconds: a bound for a stuck test, never a timing assertion


def race(app, actions, *, prepare=None) -> list:
    """Run ``actions`` (callables) at once; return each one's result or the exception it raised.

    ``prepare()`` (optional) runs in each thread before the barrier; its result is passed
    to the action (``action(prepared)``), so each thread reads its own copy of the rows first.
    """
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(i, action):
        with app.app_context():
            try:
                prepared = prepare() if prepare else None
                barrier.wait(timeout=TIMEOUT)
                results[i] = action(prepared) if prepare else action()
            except BaseException as exc:  # noqa: BLE001 - returned, so the test names it
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, a), daemon=True) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a racing thread did not finish"
    db.session.expire_all()  # the test's own session reads what the threads committed
    return results


def errors(results: list, *allowed: type) -> list:
    """The results that are exceptions of a type not in ``allowed`` (should be empty)."""
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, allowed)]


@dataclass
class Reply:
    status: int
    location: str
    body: str
    cookies: dict
    headers: dict = field(default_factory=dict)


@contextlib.contextmanager
def serving(app):
    """``app`` on a free loopback port in a thread (as the ``live_server`` fixture, CSRF on),
    for an app a test built itself; yields the server (``.url``)."""
    from werkzeug.serving import make_server

    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(timeout=TIMEOUT)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


class LiveClient:
    """A browser-less HTTP client for ``live_server`` keeping one session cookie."""

    def __init__(self, server):
        self.base = server.url
        self.cookies: dict = {}

    def request(self, method: str, path: str, data: dict | None = None, *, cookies: dict | None = None) -> Reply:
        """One request with this client's cookies (or ``cookies``); does not keep what it sets."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        jar = self.cookies if cookies is None else cookies
        if jar:
            req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in jar.items()))
        try:
            with _opener.open(req, timeout=TIMEOUT) as resp:
                status, headers, text = resp.status, resp.headers, resp.read().decode()
        except urllib.error.HTTPError as exc:  # redirects (not followed) and error statuses
            status, headers, text = exc.code, exc.headers, exc.read().decode(errors="replace")
        set_cookies = dict(c.split(";", 1)[0].split("=", 1) for c in headers.get_all("Set-Cookie") or [])
        return Reply(status, headers.get("Location", ""), text, set_cookies, dict(headers.items()))

    def get(self, path: str) -> Reply:
        reply = self.request("GET", path)
        self.cookies.update(reply.cookies)
        return reply

    def post(self, path: str, data: dict) -> Reply:
        reply = self.request("POST", path, data)
        self.cookies.update(reply.cookies)
        return reply

    def csrf(self, path: str) -> str:
        """The CSRF token of the form on ``path`` (bound to this client's session)."""
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path).body)
        assert match, f"no CSRF token on {path}"
        return html.unescape(match.group(1))

    def login(self, login_id: str, password: str) -> None:
        token = self.csrf("/login")
        reply = self.post("/login", {"login_id": login_id, "password": password, "csrf_token": token})
        assert reply.status == 302, f"login failed: {reply.status}"

    def login_staff(self, staff_tuple) -> None:
        """Sign a staff member in over HTTP: the password step, then the TOTP step (enrolment)."""
        from tests.admin.builders import totp_now

        staff, password, secret = staff_tuple
        reply = self.post("/admin/login", {"login_id": staff.login_id, "password": password,
                                           "csrf_token": self.csrf("/admin/login")})
        assert reply.status == 302, f"staff login failed: {reply.status}"
        step = reply.location.replace(self.base, "")
        reply = self.post(step, {"code": totp_now(secret), "csrf_token": self.csrf(step)})
        assert reply.status == 302 and "/admin/login" not in reply.location, "staff TOTP step failed"
