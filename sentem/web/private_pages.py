"""A member's own pages (``/cart``, ``/orders``, ``/me``) kept per session, in memory only.

These pages show the member's personal data (the name on ``/me``, the orders, the cart),
so a copy is keyed by the session it was rendered for and never served to another: the
key holds the session's hash, the member's page revision (``member_revs``), the cart's
product revisions, the language and the URL. The copy lives in this process's memory —
never on disk — in a least-recently-used store bounded by bytes; a session's copies are
dropped when it logs out or its check fails. The CSRF token is cut out as for the catalog
pages (``shop.pagecache.CSRF_MARK``) and the session's own put back on each answer.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from flask import g, request
from flask_login import current_user

PATHS = frozenset({"/cart", "/orders", "/me"})
MAX_BYTES = 32 * 1024 * 1024  # a few thousand pages of 5-10 kB: a worker's memory, not its data
# Set by the layer on a request it may keep; the hook below adds what Flask used.
PRIVATE = "sentem.private_page"
USED = "sentem.private_used"


class PrivatePages:
    """Byte-bounded LRU of (status, headers, body) keyed ``(session hash, …)``."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes, self.size = max_bytes, 0
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key, value) -> None:
        cost = len(value[2]) + 512  # the body and, roughly, the headers and the key
        if cost > self.max_bytes:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old[2]) + 512
            self.entries[key] = value
            self.size += cost
            while self.size > self.max_bytes:
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped[2]) + 512

    def drop_session(self, id_hash: str) -> None:
        """Forget every page of one session (logged out, ended, or no longer passing the check)."""
        with self.lock:
            for key in [k for k in self.entries if k[0] == id_hash]:
                self.size -= len(self.entries.pop(key)[2]) + 512


def _note_used(response):
    # What the layer needs to keep Flask's answer: the CSRF token the page holds (to cut
    # out) and whose page it is (to be sure it is the member the layer checked).
    if request.environ.get(PRIVATE):
        user = current_user.get_id() if current_user and current_user.is_authenticated else None
        request.environ[USED] = (g.get("csrf_token"), user)
    return response


def install(app) -> None:
    """Note, on requests the layer marked, what the page used (an ``after_request`` hook)."""
    app.after_request(_note_used)
