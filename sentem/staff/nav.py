"""The staff area's menu and banners, per app, built for the current role.

Each package adds the menu entries of its own screens from its ``init_app``
(``register_nav(app, "admin.orders", "주문·환불", "orders.view", order=30)``); an entry
shows when the role has its permission. ``check(app)`` (from the ``admin`` edge's
``init_app``) fails ``create_app`` when an entry names no view. Banners
(``register_banner``) are one-line warnings at the top of every staff page. A work
queue's entry can show how many items wait (``register_count``: shipping, refunds,
rights requests), so nobody has to open each screen to see whether work is waiting.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import current_app, url_for

from .permissions import PERMISSIONS, allowed

NAV_EXTENSION = "sentem_staff_nav"
COUNT_EXTENSION = "sentem_staff_nav_counts"
BANNER_EXTENSION = "sentem_staff_banners"


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: str
    permission: str
    order: int = 100


def register_nav(app, endpoint: str, label: str, permission: str, order: int = 100) -> None:
    """Add (or replace) a menu entry of ``app``'s staff area; an unknown permission fails at once."""
    if permission not in PERMISSIONS:
        raise KeyError(f"staff menu {endpoint}: unknown permission {permission}")
    app.extensions.setdefault(NAV_EXTENSION, {})[endpoint] = NavEntry(endpoint, label, permission, order)


def entries(app) -> list[NavEntry]:
    """Every menu entry of ``app``, in menu order."""
    return sorted(app.extensions.get(NAV_EXTENSION, {}).values(), key=lambda e: (e.order, e.label))


def check(app) -> None:
    """Every menu entry must name a real view: a missing screen fails ``create_app``."""
    missing = sorted(e.endpoint for e in entries(app) if e.endpoint not in app.view_functions)
    if missing:
        raise RuntimeError(f"staff navigation names views that do not exist: {', '.join(missing)}")


def register_count(app, endpoint: str, fn: Callable[[], int]) -> None:
    """Show ``fn()`` (items waiting in that queue) beside the menu entry ``endpoint``."""
    app.extensions.setdefault(COUNT_EXTENSION, {})[endpoint] = fn


def _count(endpoint: str) -> int | None:
    fn = current_app.extensions.get(COUNT_EXTENSION, {}).get(endpoint)
    if fn is None:
        return None
    try:
        return int(fn())
    except Exception:  # noqa: BLE001 - a count must never break the menu (the screen itself still tells)
        return None


def nav_for(staff) -> list[dict]:
    """The menu entries the given staff member may use, in order, with their waiting counts."""
    if staff is None:
        return []
    return [{"endpoint": e.endpoint, "label": e.label, "url": url_for(e.endpoint), "count": _count(e.endpoint)}
            for e in entries(current_app) if allowed(staff.role, e.permission)]


def register_banner(app, fn: Callable) -> None:
    """Add a banner provider ``fn(staff) -> Korean text or None``; it must never raise."""
    banners = app.extensions.setdefault(BANNER_EXTENSION, [])
    if fn not in banners:
        banners.append(fn)


def banners_for(staff) -> list[str]:
    """The banner texts for ``staff``; a failing provider is skipped (a banner never breaks a page)."""
    out = []
    for fn in current_app.extensions.get(BANNER_EXTENSION, []):
        try:
            text = fn(staff)
        except Exception:  # noqa: BLE001 - a banner must never break a page
            text = None
        if text:
            out.append(text)
    return out
