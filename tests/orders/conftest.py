"""The Toss-compatible sandbox on a free loopback port (real HTTP), and a shop set up to use it."""
from __future__ import annotations

import base64
import json
import threading
import urllib.parse
import urllib.request

import pytest
from werkzeug.serving import make_server

from sentem.pgsandbox import DEFAULT_CLIENT_KEY, DEFAULT_SECRET_KEY, create_sandbox


class Sandbox:
    """A running sandbox: its URL, its ledger (to read what the PG holds) and its switches."""

    def __init__(self, app, server):
        self.app, self.server = app, server
        self.url = f"http://127.0.0.1:{server.server_port}"
        self.ledger = app.extensions["pgsandbox"]

    def call(self, method: str, path: str, body: dict | None = None, *, auth: str = DEFAULT_SECRET_KEY,
             idempotency_key: str | None = None) -> tuple[int, dict]:
        """One API call over HTTP, as a shop would make it."""
        req = urllib.request.Request(self.url + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
        req.add_header("Content-Type", "application/json")
        req.add_header("Authorization", "Basic " + base64.b64encode(f"{auth}:".encode()).decode())
        if idempotency_key:
            req.add_header("Idempotency-Key", idempotency_key)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def switch(self, **values) -> dict:
        """Set failure switches (and ``webhook_url``) over HTTP."""
        req = urllib.request.Request(self.url + "/sandbox/switches", data=json.dumps(values).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())

    def decide(self, window_url: str, action: str = "approve") -> str:
        """Press a button of the payment window at ``window_url``; returns where it sends the browser."""
        assert window_url.startswith(self.url + "/window?"), window_url
        fields = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(window_url).query))
        with urllib.request.urlopen(self.url + "/window?" + urllib.parse.urlencode(fields), timeout=30) as resp:
            assert resp.status == 200 and "결제 승인" in resp.read().decode()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        req = urllib.request.Request(self.url + "/window/decide", method="POST",
                                     data=urllib.parse.urlencode(dict(fields, action=action)).encode())
        try:
            urllib.request.build_opener(NoRedirect).open(req, timeout=30)
        except urllib.error.HTTPError as exc:
            assert exc.code == 303
            return exc.headers["Location"]
        raise AssertionError("the window did not redirect")


@pytest.fixture
def sandbox():
    """A fresh sandbox (empty ledger, no switches) served on a free loopback port."""
    sb_app = create_sandbox()
    server = make_server("127.0.0.1", 0, sb_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Sandbox(sb_app, server)
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def toss(app, sandbox):
    """The shop paying through Toss Payments at the sandbox; returns the sandbox."""
    app.config.update(SENTEM_PAYMENT_GATEWAY="toss", SENTEM_TOSS_API_BASE=sandbox.url,
                      SENTEM_TOSS_CLIENT_KEY=DEFAULT_CLIENT_KEY, SENTEM_TOSS_SECRET_KEY=DEFAULT_SECRET_KEY,
                      SENTEM_TOSS_TIMEOUT=2)
    return sandbox
