"""The statistics in the privacy registry: purpose, items, legal basis, pseudonymisation.

What the policy page, the consent screen and the export say about statistics comes
from here, additively, so the declarations other packages own stay theirs:

- the purpose ``statistics`` (declared by the core) is added to the items that feed
  it — birth date, home address (read as 시/도 only), login history — and to the two
  marketing consents (email, SMS), which are its legal basis: the consent screen then
  names the purpose and the items;
- the record class ``usage_statistics`` describes the pseudonymised profiles the
  nightly job keeps, with their items: the keyed pseudonym (one-way, like a password
  hash) and the month in which the member's age band next changes (derived from the
  birth date, so that a night need not decrypt every birth date); the member's export
  shows their own profile.
"""
from __future__ import annotations

import dataclasses

from sqlalchemy import delete

from ..extensions import db
from ..privacy import registry
from ..privacy.registry import REGISTRY, Declarations, Item, RecordClass, Retention
from . import pseudonyms
from .models import StatGoneMember, StatProfile

DECLARE = Declarations()  # applied by the package's init_app
RECORD_CLASS = "usage_statistics"
PURPOSE = "statistics"
FEEDING_ITEMS = ("birth_date", "address1", "login_ip", "login_user_agent")
STATISTICS_ITEMS = ("birth_date", "address1", "login_ip")  # what the consents name (purchases: no item)
CHANNELS = ("email", "sms")

DECLARE.item(Item("stat_pseudonym", "통계용 가명(회원별 키 해시, 키는 매일 밤 교체)",
                  "Statistics pseudonym (keyed hash per member, key replaced every night)", (PURPOSE, "marketing"),
                  encrypted=False, hashed=True, collected_via="automatic", record_class=RECORD_CLASS))
DECLARE.item(Item("stat_band_recheck", "연령대가 바뀌는 달(생년월일에서 파생, 가명 처리)",
                  "Month the age band changes next (derived from the birth date, pseudonymised)", (PURPOSE,),
                  encrypted=False, collected_via="automatic", record_class=RECORD_CLASS))


def export(member_id: int) -> list[dict]:
    """The member's own pseudonymised profile (what the statistics know of them), if any."""
    pseudonym = pseudonyms.of_member(member_id)
    if pseudonym is None:
        return []
    row = db.session.get(StatProfile, pseudonym)
    if row is None:
        return []
    return [{"연령대": row.age_band, "연령대가 바뀌는 달": row.band_recheck or "", "지역(시/도)": row.region, "가입 월": row.signup_month,
             "최근 방문일": row.last_visit_on.isoformat() if row.last_visit_on else "",
             "구매 건수": row.orders_count, "구매 분류 수": len([c for c in row.categories.split(",") if c])}]


def destroy(member_id: int) -> int:
    """Delete the member's profile and marks at once (no commit; the next run would leave them out anyway)."""
    pseudonym = pseudonyms.of_member(member_id)
    if pseudonym is None:
        return 0
    db.session.execute(delete(StatGoneMember).where(StatGoneMember.pseudonym == pseudonym))
    return db.session.execute(delete(StatProfile).where(StatProfile.pseudonym == pseudonym)).rowcount


DECLARE.record_class(RecordClass(
    key=RECORD_CLASS,
    label_ko="이용 통계·맞춤 광고(가명정보)",
    label_en="Usage statistics and tailored advertising (pseudonymised)",
    items=("stat_pseudonym", "stat_band_recheck"),
    legal_basis_ko=("광고성 정보 수신 동의(이메일 또는 문자, 선택) — 개인정보 보호법 제15조 제1항 제1호, "
                    "정보통신망법 제50조. 생년월일은 10세 단위 연령대로, 주소는 시/도로만 바꾸고 이름·연락처는 "
                    "쓰지 않으며, 회원별 키 해시 가명으로 처리합니다(그 키는 매일 밤 집계 때 새로 만들고 "
                    "이전 키는 파기합니다). 동의 철회·처리정지·탈퇴 시 "
                    "다음 날 집계부터 제외하고, 5명 미만인 집계는 공개하지 않습니다."),
    legal_basis_en=("Consent to advertising (email or SMS, optional) — PIPA Art. 15(1)1, Network Act Art. 50. "
                    "Birth date is reduced to a 10-year age band and the address to its province; no name or "
                    "contact is used; members are pseudonymised by a keyed hash whose key is made anew (and the "
                    "old one destroyed) at every nightly run. Withdrawing "
                    "consent, suspending processing or leaving takes a member out of the next day's run; "
                    "figures under 5 members are never published."),
    retention=Retention(years=None, starts="withdrawal"),
    on_withdrawal="destroy",
    export=export,
    collect_archive=lambda member_id: [],
    destroy=destroy,
    expire=lambda cutoff, held, batch_size: 0,
    models=(StatProfile, StatGoneMember),
    order=90,
))


def extend_registry() -> None:
    """Add the statistics purpose to the items that feed it and to the marketing consents.

    Called from ``init_app`` after the features that declare them (idempotent).
    """
    for key in FEEDING_ITEMS:
        item = REGISTRY.items.get(key)
        if item is not None and PURPOSE not in item.purposes:
            registry.register_item(dataclasses.replace(item, purposes=(*item.purposes, PURPOSE)))
    for c in list(REGISTRY.consents.values()):
        if c.channel not in CHANNELS:
            continue
        items = tuple(dict.fromkeys((*c.items, *STATISTICS_ITEMS)))
        purposes = tuple(dict.fromkeys((*c.purposes, PURPOSE)))
        if (items, purposes) != (c.items, c.purposes):
            registry.register_consent(dataclasses.replace(c, items=items, purposes=purposes))
