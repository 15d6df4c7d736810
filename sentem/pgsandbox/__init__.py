"""A local Toss-Payments-compatible sandbox: the v1 API and a plain-HTML payment window.

A separate small Flask app (``create_sandbox``), served only by ``flask pg-sandbox``
or by a test fixture on a loopback port; the shop never mounts it. It speaks the
parts of Toss Payments' v1 API the shop uses — confirm, cancel (full and partial),
look-up by ``paymentKey`` or ``orderId`` — with their JSON shapes and error codes,
checks Basic auth against its secret key, honours ``Idempotency-Key``, and delivers
``PAYMENT_STATUS_CHANGED`` webhooks. Its state lives in process memory: a sandbox
forgets everything when it stops, like a fresh test account.

Failure switches (``POST /sandbox/switches``, JSON) let tests make it misbehave the
ways a real PG does: ``delay`` (seconds before every API answer), ``fail_500`` (the
next N API calls answer 500 without doing anything), ``timeout_after_approval``
(the next N confirms approve, then answer only after ``hang`` seconds, past the
shop's timeout), ``duplicate_webhook`` (every webhook is sent twice).
"""
from __future__ import annotations

from flask import Flask

from . import api, ledger, window

DEFAULT_SECRET_KEY = "test_sk_sandbox"
DEFAULT_CLIENT_KEY = "test_ck_sandbox"


def create_sandbox(*, secret_key: str = DEFAULT_SECRET_KEY, client_key: str = DEFAULT_CLIENT_KEY,
                   webhook_url: str | None = None) -> Flask:
    """A sandbox app with an empty ledger; webhooks go to ``webhook_url`` when given."""
    app = Flask(__name__)
    app.config.update(SANDBOX_SECRET_KEY=secret_key, SANDBOX_CLIENT_KEY=client_key, MAX_CONTENT_LENGTH=64 * 1024)
    app.extensions["pgsandbox"] = ledger.Ledger(webhook_url=webhook_url)
    app.register_blueprint(api.bp)
    app.register_blueprint(window.bp)
    return app
