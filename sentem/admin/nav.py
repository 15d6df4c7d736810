"""The staff area's navigation, built from the permission table for the current role.

Areas add their entry with ``register_nav``; an entry shows only when its endpoint
exists in this build and the role has its permission.
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
    ("admin.marketing", "광고성 정보", "marketing.send", 75),
    ("admin.retention", "보존·파기", "retention.view", 80),
    ("admin.accesslog", "접속기록", "accesslog.view", 90),
    ("admin.reviews", "월간 점검", "reviews.view", 100),
    ("admin.audit_reports", "자체 감사", "audit.view", 110),
    ("admin.staff", "직원 관리", "staff.manage", 120),
    ("admin.plan", "내부관리계획", "plan.view", 130),
):
    register_nav(*_e)


def nav_for(staff) -> list[dict]:
    """The menu entries the given staff member may use, in order."""
    if staff is None:
        return []
    out = []
    for entry in sorted(NAV.values(), key=lambda e: (e.order, e.label)):
        if entry.endpoint not in current_app.view_functions:
            continue
        try:
            if not allowed(staff.role, entry.permission):
                continue
        except KeyError:
            continue
        out.append({"endpoint": entry.endpoint, "label": entry.label, "url": url_for(entry.endpoint)})
    return out
