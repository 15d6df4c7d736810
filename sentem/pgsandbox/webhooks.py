"""Webhook delivery: ``PAYMENT_STATUS_CHANGED`` with the payment object, POSTed as JSON.

Sent from a thread, as a PG sends it: it may reach the shop before or after the
buyer's browser. With the ``duplicate_webhook`` switch every event is sent twice.
"""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

from .ledger import now_iso


def payload(payment: dict) -> bytes:
    """The event body for one payment object."""
    return json.dumps({"eventType": "PAYMENT_STATUS_CHANGED", "createdAt": now_iso(), "data": payment},
                      ensure_ascii=False).encode()


def send(url: str, payment: dict) -> int:
    """Deliver one event now; returns the HTTP status (0 when the shop did not answer)."""
    req = urllib.request.Request(url, data=payload(payment), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def changed(app, payment: dict) -> None:
    """A payment changed: deliver the event in the background (twice with the switch on)."""
    ledger = app.extensions["pgsandbox"]
    if not ledger.webhook_url:
        return
    times = 2 if ledger.switches.duplicate_webhook else 1
    for _ in range(times):
        threading.Thread(target=send, args=(ledger.webhook_url, payment), daemon=True).start()
