"""Network Act Art. 50⑧: every 2 years from consent, tell each consenting member their status.

The notice names the sender, the date of consent, what was consented to and how to
withdraw. A ``ConsentStatusNotice`` row per (member, kind, grant, 2-year mark) makes
the job safe to run any number of times.
"""
from __future__ import annotations

import datetime as _dt
import logging

from flask import current_app
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..jobs import job
from ..notify import outbox
from ..privacy import consent
from ..privacy.consent import kind_for
from ..privacy.registry import REGISTRY
from .models import ConsentStatusNotice
from .recipients import contact_of

log = logging.getLogger("sentem.support")
EVERY_YEARS = 2


def _add_years(when: _dt.datetime, years: int) -> _dt.datetime:
    try:
        return when.replace(year=when.year + years)
    except ValueError:  # 29 February
        return when.replace(year=when.year + years, day=28)


def anniversaries_passed(granted_at: _dt.datetime, now: _dt.datetime) -> int:
    """How many 2-year marks since ``granted_at`` have been reached by ``now``."""
    n = 0
    while _add_years(granted_at, EVERY_YEARS * (n + 1)) <= now:
        n += 1
    return n


def _marketing_kinds() -> list[tuple[str, str]]:
    """(ledger kind, Korean label) of every marketing consent in the registry."""
    return [(kind_for(c.key), c.label_ko) for c in REGISTRY.consents.values() if c.channel]


def _current_grant(member_id: int, kind: str):
    """The ledger row that granted ``kind`` and is still in force, or None."""
    latest = None
    for row in consent.history(member_id):
        if row.kind == kind:
            latest = row
    return latest if latest is not None and latest.granted else None


def notice_body(label: str, granted_at: _dt.datetime) -> str:
    """The notice text: sender, date of consent, what, how to withdraw (no other personal data)."""
    cfg = current_app.config
    day = clock.to_kst(granted_at).date().isoformat()
    base = cfg.get("SENTEM_BASE_URL", "").rstrip("/")
    return (f"{cfg['SHOP_NAME']}({cfg['BUSINESS_NAME']})의 광고성 정보 수신 동의 현황을 알려 드립니다 "
            f"(정보통신망법 제50조 제8항에 따라 2년마다 안내).\n\n"
            f"- 보낸 곳: {cfg['SHOP_NAME']}({cfg['BUSINESS_NAME']}), 연락처 {cfg['BUSINESS_PHONE']}\n"
            f"- 동의 항목: {label}\n- 동의 일자: {day}\n- 현재 상태: 수신 동의\n\n"
            f"수신을 원하지 않으시면 로그인 후 '내 정보 > 동의 관리'({base}/me/consents)에서 "
            "언제든 무료로 철회하실 수 있습니다. 광고 메시지마다 있는 수신거부 링크로도 철회할 수 있습니다.")


def biennial_notice(now: _dt.datetime | None = None) -> int:
    """Send every due 2-year consent-status notice once; returns how many were sent."""
    now = now or clock.now()
    sent = 0
    for kind, label in _marketing_kinds():
        for member_id in consent.member_ids_with(kind):
            grant = _current_grant(member_id, kind)
            if grant is None:
                continue
            mark = anniversaries_passed(grant.at, now)
            if mark < 1:
                continue
            already = db.session.execute(select(ConsentStatusNotice.id).filter_by(
                member_id=member_id, kind=kind, consent_event_id=grant.id, anniversary=mark)).first()
            if already:
                continue
            contact = contact_of(member_id)
            if contact is None or not contact.active:
                continue
            body = notice_body(label, grant.at)
            try:
                if contact.email:
                    outbox.send_email(contact.email, f"[{current_app.config['SHOP_NAME']}] 광고성 정보 수신 동의 현황 안내",
                                      body, category="marketing_consent_notice", member_id=member_id)
                elif contact.mobile:
                    outbox.send_sms(contact.mobile, body, category="marketing_consent_notice", member_id=member_id)
                else:
                    continue
            except Exception:
                log.exception("consent-status notice to member %s failed", member_id)
                continue
            db.session.add(ConsentStatusNotice(member_id=member_id, kind=kind, consent_event_id=grant.id,
                                               anniversary=mark, sent_at=now))
            db.session.commit()
            sent += 1
    return sent


@job
def biennial_notice_job() -> int:
    """Recurring (daily): the 2-yearly consent-status notices that are due."""
    count = biennial_notice()
    log.info("biennial consent-status notices sent: %d", count)
    return count
