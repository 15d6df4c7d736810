"""Rights requests, suspension of processing, and who may be marketed to or counted.

Every exercise of a right is a ``RightsRequest``: what the member does online is
answered at once (``answered_now``); what needs staff waits in the admin queue
with its 10-day deadline (``file_request`` / ``answer_request``). Suspensions and
marketing withdrawals are rows in the consent ledger, so they show in the
member's consent history and take effect for every later send or statistic.
"""
from __future__ import annotations

import datetime as _dt

from flask import current_app, has_request_context, request
from sqlalchemy import func, select

from .. import clock
from ..accounts import services as accounts
from ..extensions import db
from ..notify import outbox
from ..privacy import consent, suspension
from ..privacy.registry import REGISTRY
from .models import ExportDownload, RightsRequest

# Ledger kinds for suspension of processing (PIPA Art. 37): granted=True means
# "suspended". They are not signup consents, so they are not registered as such;
# what each one stops, and its label, is decided in ``privacy.suspension``.
SUSPENSIONS = suspension.LABELS


def consent_label(kind: str, lang: str = "ko") -> str:
    """A ledger kind's label: a suspension of mine, or the registry's consent label."""
    if kind in SUSPENSIONS:
        return SUSPENSIONS[kind][0 if lang == "ko" else 1]
    declared = REGISTRY.consents.get(consent.key_for(kind))
    if declared is None:
        return kind
    return declared.label_ko if lang == "ko" else declared.label_en


class RightsError(ValueError):
    """A request that cannot be made as asked (the message is shown to the member)."""


def _member(member_id: int):
    return accounts.get(member_id)


def record_consent(member_id: int, kind: str, granted: bool, *, screen: str) -> None:
    """Add a row to the consent ledger, with the request's IP and user agent when there is one."""
    ip = ua = None
    if has_request_context():  # not in a job
        ip, ua = request.remote_addr, request.headers.get("User-Agent", "")[:300]
    consent.record(member_id, kind, granted, ip=ip, user_agent=ua, screen=screen)


def marketing_kinds(channel: str | None = None) -> list[str]:
    """The consent kinds of marketing channels, from the registry (optionally one channel)."""
    return [consent.kind_for(c.key) for c in REGISTRY.consents.values()
            if c.channel and (channel is None or c.channel == channel)]


def excluded_from_marketing(member_id: int, channel: str | None = None) -> bool:
    """True unless the member is active, currently consents to marketing (on ``channel``) and has
    not suspended processing for statistics and recommendations (as campaign audiences do)."""
    member = _member(member_id)
    if member is None or member.status != "active":
        return True
    if suspension.is_suspended(member_id, suspension.STATISTICS):
        return True
    current = consent.current(member_id)
    return not any(current.get(kind) for kind in marketing_kinds(channel))


def statistics_allowed(member_id: int) -> bool:
    """Whether the member's data may feed statistics and recommendations (``privacy.suspension``)."""
    return suspension.statistics_allowed(member_id)


def optional_processing_allowed(member_id: int) -> bool:
    """Whether optional items (birth date, company, SNS…) may be used: not after withdrawal, not
    while suspended (``privacy.suspension``)."""
    member = _member(member_id)
    if member is None or member.status == "withdrawn":
        return False
    return suspension.optional_processing_allowed(member_id)


def answered_now(member, kind: str, outcome: str, *, subject: str | None = None,
                 legal_basis: str | None = None, answer: str | None = None) -> RightsRequest:
    """Record a request that was answered online at once (flushed, not committed)."""
    now = clock.now()
    req = RightsRequest(member_id=member.id, data_key_id=member.data_key_id, kind=kind, status="answered",
                        outcome=outcome, subject=subject, channel="online", received_at=now,
                        due_at=RightsRequest.due_from(now), answered_at=now, legal_basis=legal_basis)
    req.answer = answer
    db.session.add(req)
    db.session.flush()
    return req


def log_download(member, fmt: str) -> ExportDownload:
    """Log that the member downloaded their data (flushed, not committed); no rights request."""
    row = ExportDownload(member_id=member.id, fmt=fmt, at=clock.now())
    db.session.add(row)
    db.session.flush()
    return row


def set_marketing(member, kind: str, granted: bool) -> None:
    """Give or withdraw marketing consent for one channel, at once; commits."""
    if kind not in marketing_kinds():
        raise RightsError("알 수 없는 수신 동의 항목입니다.")
    if bool(consent.current(member.id).get(kind)) == granted:
        return
    record_consent(member.id, kind, granted, screen="/me/consents")
    if not granted:
        answered_now(member, "suspension", "done", subject=kind,
                     answer="광고성 정보 수신 동의를 철회했습니다. 이후 발송 대상에서 즉시 제외됩니다.")
    db.session.commit()


def set_suspension(member, kind: str, suspended: bool) -> None:
    """Suspend (or resume) a kind of processing at once, in the consent ledger; commits."""
    if kind not in SUSPENSIONS:
        raise RightsError("알 수 없는 처리정지 항목입니다.")
    if bool(consent.current(member.id).get(kind)) == suspended:
        return
    record_consent(member.id, kind, suspended, screen="/me/consents")
    if suspended:
        answered_now(member, "suspension", "done", subject=kind,
                     answer=f"{SUSPENSIONS[kind][0]} 요청을 즉시 처리했습니다.")
    db.session.commit()


def requests_of(member_id: int) -> list[RightsRequest]:
    """The member's requests, newest first."""
    return list(db.session.execute(select(RightsRequest).filter_by(member_id=member_id)
                                   .order_by(RightsRequest.received_at.desc(), RightsRequest.id.desc()))
                .scalars())


def request_of(member_id: int, request_id: int) -> RightsRequest | None:
    """One of the member's own requests (None for anybody else's: the caller answers 404)."""
    req = db.session.get(RightsRequest, request_id)
    return req if req is not None and req.member_id == member_id else None


def notify(member, subject: str, body: str, *, category: str = "rights") -> None:
    """Tell the member by email once the current transaction commits (no personal data in the body)."""
    to, member_id = member.email, member.id
    shop = current_app.config.get("SHOP_NAME", "")

    def _send():
        try:
            outbox.send_email(to, f"[{shop}] {subject}", body, category=category, member_id=member_id)
        except outbox.OutboxError:
            current_app.logger.warning("rights notification to member %s not delivered", member_id)

    outbox.after_commit(db.session, _send)


def open_requests_summary() -> dict:
    """For the staff dashboard: requests waiting for staff, due within 3 days, past their deadline."""
    waiting = (RightsRequest.status == "received") & (RightsRequest.channel != "online")
    total = db.session.execute(select(func.count(RightsRequest.id)).where(waiting)).scalar_one()
    overdue = db.session.execute(select(func.count(RightsRequest.id))
                                 .where(waiting, RightsRequest.due_at < clock.now())).scalar_one()
    now = clock.now()
    due_soon = db.session.execute(select(func.count(RightsRequest.id)).where(
        waiting, RightsRequest.due_at >= now, RightsRequest.due_at < now + _dt.timedelta(days=3))).scalar_one()
    return {"open": total, "due_soon": due_soon, "overdue": overdue}
