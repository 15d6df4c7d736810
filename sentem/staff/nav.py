"""The staff area's navigation, built from the permission table for the current role.

Areas add their entry with ``register_nav``; an entry shows when the role has its
permission. ``check(app)`` (from ``init_app``) fails when an entry names no view.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for

from .permissions import allowed


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: str
    permission: str
    order: int = 100


NAV: dict[str, NavEntry] = {}


def register_nav(endpoint: str, label: str, permission: str, order: int = 100) -> None:
    """Add (or replace) a menu entry of the staff area."""
    NAV[endpoint] = NavEntry(endpoint, label, permission, order)


for _e in (
    ("admin.dashboard", "대시보드", "dashboard.view", 10),
    ("admin.members", "회원", "members.view", 20),
    ("admin.orders", "주문·환불", "orders.view", 30),
    ("admin.shipping", "배송", "shipping.view", 40),
    ("admin.rights", "권리 행사 요청", "rights.view", 50),
    ("admin.inquiries", "상담 문의", "inquiries.view", 60),
    ("admin.policy", "처리방침·공지", "policy.view", 70),
    ("admin.notices", "공지사항", "notices.post", 72),
    ("admin.marketing", "광고성 정보", "marketing.send", 75),
    ("admin.retention", "보존·파기", "retention.view", 80),
    ("admin.accesslog", "접속기록", "accesslog.view", 90),
    ("admin.reviews", "월간 점검", "reviews.view", 100),
    ("admin.audit_reports", "자체 감사", "audit.view", 110),
    ("admin.staff", "직원 관리", "staff.manage", 120),
    ("admin.downloads_page", "내려받기", "orders.download", 125),
    ("admin.plan", "내부관리계획", "plan.view", 130),
):
    register_nav(*_e)


def check(app) -> None:
    """Every menu entry must name a real view: a missing screen fails ``create_app``."""
    missing = sorted(e.endpoint for e in NAV.values() if e.endpoint not in app.view_functions)
    if missing:
        raise RuntimeError(f"staff navigation names views that do not exist: {', '.join(missing)}")


def nav_for(staff) -> list[dict]:
    """The menu entries the given staff member may use, in order."""
    if staff is None:
        return []
    out = []
    for entry in sorted(NAV.values(), key=lambda e: (e.order, e.label)):
        try:
            if not allowed(staff.role, entry.permission):
                continue
        except KeyError:
            continue
        out.append({"endpoint": entry.endpoint, "label": entry.label, "url": url_for(entry.endpoint)})
    return out


# Banners shown at the top of every admin page: fn(staff) -> Korean text or None.
BANNERS: list = []


def register_banner(fn) -> None:
    """Add a banner provider (e.g. overdue retention duties); it must never raise."""
    if fn not in BANNERS:
        BANNERS.append(fn)


def banners_for(staff) -> list[str]:
    out = []
    for fn in BANNERS:
        try:
            text = fn(staff)
        except Exception:  # noqa: BLE001 - a banner must never break a page
            text = None
        if text:
            out.append(text)
    return out


def _retention_banner(staff):
    if staff is None or not allowed(staff.role, "retention.view"):
        return None
    try:
        from ..privacy.retention.services import overdue_banner
    except ImportError:
        return None
    return overdue_banner()


def _plan_banner(staff):
    if staff is None:
        return None
    from ..admin.plan import current_version
    from .models import PlanAcknowledgement
    from ..extensions import db

    version = current_version()
    if version is None:
        return None
    seen = db.session.query(PlanAcknowledgement).filter_by(staff_id=staff.id, version_id=version.id).first()
    return None if seen else f"내부관리계획 {version.version}판을 아직 확인하지 않았습니다. '내부관리계획' 메뉴에서 읽고 확인해 주세요."


register_banner(_retention_banner)
register_banner(_plan_banner)
