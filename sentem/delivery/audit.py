"""Delivery's section of the quarterly self-audit (자체 감사): how often staff saw recipients,
and whether delivery data outlived its period (supply records past 5 years, saved addresses
of withdrawn members)."""
from __future__ import annotations

from sqlalchemy import func, select

from .. import clock
from ..accounts import services as accounts
from ..extensions import db
from ..privacy.access_log import AccessLogEntry
from ..privacy.registry import Declarations
from .models import AddressBookEntry, DeliveryRequest
from .records import DELIVERY_RETENTION, _years_before

DECLARE = Declarations()  # applied by the package's init_app


def delivery_section(start, end) -> dict:
    """Recipient views in [start, end) and anything kept longer than the registry allows (now)."""
    views = db.session.execute(select(AccessLogEntry.staff_id, func.count(AccessLogEntry.id))
                               .where(AccessLogEntry.action == "shipping.view", AccessLogEntry.at >= start,
                                      AccessLogEntry.at < end)
                               .group_by(AccessLogEntry.staff_id)).all()
    past = db.session.execute(select(func.count(DeliveryRequest.id)).where(
        DeliveryRequest.created_at < _years_before(clock.now(), DELIVERY_RETENTION.years))).scalar_one()
    orphans = db.session.execute(select(func.count(AddressBookEntry.id)).where(
        AddressBookEntry.member_id.in_(accounts.ids_with_status("withdrawn")))).scalar_one()
    total_views = sum(int(n) for _s, n in views)
    return {"title": "배송 정보(수령인 열람·보존 기간)", "ok": past == 0 and orphans == 0,
            "recipient_views": total_views, "staff_who_viewed": len(views),
            "delivery_records_past_5_years": past, "saved_addresses_of_withdrawn_members": orphans,
            "chart": {"수령인 열람": total_views, "보존 기간 지난 배송 기록": past,
                      "탈퇴 회원의 배송지": orphans}}


DECLARE.audit_section("delivery", delivery_section)
