"""Advertising messages (광고성 정보) the lawful way — Network Act Art. 50.

A campaign reaches only members who are active, whose consent for that channel is
current in the consent ledger, who have not suspended processing for statistics and
recommendations (PIPA Art. 37, ``privacy.suspension``: the consents page promises that
a suspension takes them out of later advertising), and — for email — whose address is
verified. Targeting reads required items only (email, mobile), never optional ones. Every message starts with "(광고)",
names the sender and its contact, and carries a free one-click opt-out link. SMS
between 21:00 and 08:00 KST needs the separate night consent (Art. 50③). Each
member's outcome is a ``CampaignSend`` row (no message text, no address).
Every 2 years from consent, members are told their consent status (Art. 50⑧).
A campaign may carry a segment (``statistics.segments``: age band, region, purchased
category, last visit): it narrows this lawful audience, never widens it, and matches
only members the statistics may count.
"""
from __future__ import annotations

import datetime as _dt
import logging

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..jobs import job
from ..notify import outbox
from ..privacy import consent, suspension
from ..privacy.consent import kind_for
from ..privacy.registry import REGISTRY
from ..statistics import segments
from .models import Campaign, CampaignSend
from .recipients import contact_of

log = logging.getLogger("sentem.support")
CHANNELS = ("email", "sms")
AD_PREFIX = "(광고)"
NIGHT_KIND = "marketing_sms_night"
NIGHT_START, NIGHT_END = 21, 8  # KST hours
SUBJECT_MAX, BODY_MAX = 150, 2000
# Links that stop messages: the two advertising channels, and the notice alerts (not advertising).
OPT_OUT_CHANNELS = CHANNELS + ("notices",)


class CampaignError(ValueError):
    """Bad campaign input; ``errors`` maps field names to Korean messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def consent_kind(channel: str) -> str:
    """The ledger kind of the marketing consent for ``channel`` (from the registry)."""
    for c in REGISTRY.consents.values():
        if c.channel == channel:
            return kind_for(c.key)
    return f"marketing_{channel}"


def is_night(at: _dt.datetime | None = None) -> bool:
    """Whether ``at`` (default now) falls between 21:00 and 08:00 in Korea."""
    hour = clock.to_kst(at or clock.now()).hour
    return hour >= NIGHT_START or hour < NIGHT_END


def sender_line() -> str:
    cfg = current_app.config
    return f"{cfg['SHOP_NAME']}({cfg['BUSINESS_NAME']}) · 연락처 {cfg['BUSINESS_PHONE']} · {cfg['BUSINESS_EMAIL']}"


# --- opt-out links -------------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="sentem.marketing.opt-out")


def opt_out_token(member_id: int, channel: str) -> str:
    """A signed token naming the member and the channel (no personal data in it)."""
    return _serializer().dumps({"m": member_id, "c": channel})


def opt_out_url(member_id: int, channel: str) -> str:
    base = current_app.config.get("SENTEM_BASE_URL", "").rstrip("/")
    return f"{base}/marketing/opt-out/{opt_out_token(member_id, channel)}"


def read_opt_out_token(token: str) -> tuple[int, str] | None:
    """(member id, channel) from a genuine token; None when tampered or malformed."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") not in OPT_OUT_CHANNELS or not isinstance(data.get("m"), int):
        return None
    return data["m"], data["c"]


def opt_out(member_id: int, channel: str, *, ip: str | None, user_agent: str | None) -> bool:
    """Withdraw the member's consent for ``channel`` (and night SMS with SMS; ``notices``: alerts). Commits.

    Returns whether anything was withdrawn (False when already withdrawn or no member).
    """
    contact = contact_of(member_id)
    if contact is None or not contact.active:
        return False
    current = consent.current(member_id)
    if channel == "notices":
        kinds = ["notices"]
    else:
        kinds = [consent_kind(channel)] + ([NIGHT_KIND] if channel == "sms" else [])
    changed = False
    for kind in kinds:
        if current.get(kind):
            consent.record(member_id, kind, False, ip=ip, user_agent=user_agent, screen="marketing_opt_out")
            changed = True
    db.session.commit()
    return changed


# --- campaigns -----------------------------------------------------------------------------------

def create_campaign(channel: str, subject: str | None, body: str, *, staff_id: int | None,
                    segment: segments.Segment | None = None) -> Campaign:
    """Validate and store a campaign (not yet sent), with its segment filters. Commits."""
    errors = {}
    subject, body = (subject or "").strip(), (body or "").strip()
    if channel not in CHANNELS:
        errors["channel"] = "발송 수단(이메일 또는 문자)을 선택해 주세요."
    if channel == "email" and not subject:
        errors["subject"] = "이메일 제목을 입력해 주세요."
    if len(subject) > SUBJECT_MAX:
        errors["subject"] = f"제목은 {SUBJECT_MAX}자 이내로 입력해 주세요."
    if not body:
        errors["body"] = "내용을 입력해 주세요."
    elif len(body) > BODY_MAX:
        errors["body"] = f"내용은 {BODY_MAX}자 이내로 입력해 주세요."
    if errors:
        raise CampaignError(errors)
    campaign = Campaign(channel=channel, subject=subject or None, body=body, staff_id=staff_id,
                        created_at=clock.now(), segment=segment.to_text() if segment else None)
    db.session.add(campaign)
    db.session.commit()
    return campaign


def audience(channel: str, at: _dt.datetime | None = None,
             segment: segments.Segment | None = None) -> list[tuple[int, str | None]]:
    """(member id, skip reason or None) for every member whose ``channel`` consent is current
    (and, with a ``segment``, whose pseudonymised profile matches it)."""
    night = channel == "sms" and is_night(at)
    night_ok = set(consent.member_ids_with(NIGHT_KIND)) if night else set()
    suspended = suspension.suspended_members(suspension.STATISTICS)  # one query for the whole audience
    ids = consent.member_ids_with(consent_kind(channel))
    if segment is not None and not segment.empty:
        keep = segments.matching(segment, ids)
        ids = [i for i in ids if i in keep]
    out = []
    for member_id in ids:
        out.append((member_id, _skip_reason(member_id, channel, night, night_ok, suspended)))
    return out


def _skip_reason(member_id: int, channel: str, night: bool, night_ok: set, suspended: set) -> str | None:
    contact = contact_of(member_id)
    if contact is None or not contact.active:
        return "inactive"
    if member_id in suspended:
        return "suspended"
    if channel == "email" and not (contact.email and contact.email_verified):
        return "email_unverified"
    if channel == "sms" and not contact.mobile:
        return "no_mobile"
    if night and member_id not in night_ok:
        return "night_no_consent"
    return None


def compose(campaign: Campaign, member_id: int) -> tuple[str | None, str]:
    """(subject, body) of one member's message: the ad marker, the sender, the free opt-out."""
    link = opt_out_url(member_id, campaign.channel)
    if campaign.channel == "sms":
        cfg = current_app.config  # sender's name and phone are required in the message itself
        return None, (f"{AD_PREFIX}{cfg['SHOP_NAME']}({cfg['BUSINESS_NAME']}) {campaign.body}\n"
                      f"문의 {cfg['BUSINESS_PHONE']} 무료수신거부 {link}")
    subject = f"{AD_PREFIX} {campaign.subject}"
    body = (f"{AD_PREFIX} {current_app.config['SHOP_NAME']}({current_app.config['BUSINESS_NAME']})\n\n"
            f"{campaign.body}\n\n---\n보낸 곳: {sender_line()}\n"
            f"이 메일은 광고성 정보 수신에 동의하신 분께 보내 드립니다.\n"
            f"수신거부(무료, 로그인 없이 링크에서 바로 처리됩니다): {link}\n"
            "'내 정보 > 동의 관리'에서도 언제든 바꿀 수 있습니다.")
    return subject, body


def send_campaign(campaign_id: int) -> tuple[int, int]:
    """Send a campaign to its lawful audience; safe to run twice. Returns (sent, skipped)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        return 0, 0
    done = set(db.session.execute(select(CampaignSend.member_id)
                                  .where(CampaignSend.campaign_id == campaign.id)).scalars())
    sent = skipped = 0
    for member_id, reason in audience(campaign.channel, segment=segments.from_text(campaign.segment)):
        if member_id in done:
            continue
        if reason is None:
            contact = contact_of(member_id)
            subject, body = compose(campaign, member_id)
            try:
                if campaign.channel == "email":
                    outbox.send_email(contact.email, subject, body, category="marketing", member_id=member_id,
                                      unsubscribe=opt_out_url(member_id, "email"))
                else:
                    outbox.send_sms(contact.mobile, body, category="marketing", member_id=member_id)
            except Exception:  # one failed address must not stop the campaign
                log.exception("campaign %s to member %s failed", campaign.id, member_id)
                reason = "send_failed"
        db.session.add(CampaignSend(campaign_id=campaign.id, member_id=member_id,
                                    outcome="sent" if reason is None else "skipped", reason=reason,
                                    at=clock.now()))
        if reason is None:
            sent += 1
        else:
            skipped += 1
        db.session.commit()  # per member: a crash mid-way never sends anyone twice
    campaign.sent_at = campaign.sent_at or clock.now()
    campaign.sent_count += sent
    campaign.skipped_count += skipped
    db.session.commit()
    return sent, skipped


@job
def send_campaign_job(campaign_id: int) -> tuple[int, int]:
    """Job wrapper of ``send_campaign``."""
    return send_campaign(campaign_id)


def campaigns(limit: int = 50) -> list[Campaign]:
    return list(db.session.execute(select(Campaign).order_by(Campaign.id.desc()).limit(limit)).scalars())
