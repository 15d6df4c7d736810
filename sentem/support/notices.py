"""The notices board: staff posts, policy-change notices, and alerts to members who asked."""
from __future__ import annotations

import logging

from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..notify import outbox
from ..privacy import consent
from .marketing import opt_out_url
from .models import Notice
from .recipients import contact_of

log = logging.getLogger("sentem.support")
CONSENT_KIND = "notices"


def post(title: str, body: str, *, staff_id: int | None = None, kind: str = "general",
         policy_version_id: int | None = None) -> Notice:
    """Post a notice (flushed; the caller commits) and alert members who consented, after commit."""
    notice = Notice(title=title.strip(), body=body.strip(), kind=kind, staff_id=staff_id,
                    policy_version_id=policy_version_id, posted_at=clock.now())
    db.session.add(notice)
    db.session.flush()
    _alert_after_commit(notice.id, notice.title)
    return notice


def latest(limit: int = 50) -> list[Notice]:
    return list(db.session.execute(select(Notice).order_by(Notice.posted_at.desc(), Notice.id.desc())
                                   .limit(limit)).scalars())


def get(notice_id: int) -> Notice | None:
    return db.session.get(Notice, notice_id)


def _alert_after_commit(notice_id: int, title: str) -> None:
    """Members who consented to notice alerts get a short email once the notice is committed.

    Recipients are read now (no SQL may run inside the after-commit hook); the mail goes
    out only if the notice commits.
    """
    # Links are made now, inside the request or job, not in the after-commit hook.
    recipients = [(member_id, email, opt_out_url(member_id, "notices"))
                  for member_id, email in notice_recipients()]
    head = (f"왓플래닛에 새 공지사항이 게시되었습니다.\n\n제목: {title}\n"
            f"바로 보기: {_base_url()}/notices/{notice_id}\n\n")

    def send():
        for member_id, email, stop in recipients:
            body = head + (f"공지 알림을 그만 받으려면: {stop}\n"
                           f"(로그인 후 {_base_url()}/notices/alerts 에서도 바꿀 수 있습니다.)\n왓플래닛 (센템)")
            try:
                outbox.send_email(email, f"[왓플래닛 공지] {title}", body, category="notice", member_id=member_id,
                                  unsubscribe=stop)
            except Exception:  # one failed address must not stop the others
                log.exception("notice alert to member %s failed", member_id)

    outbox.after_commit(db.session(), send)


def alerts_on(member_id: int) -> bool:
    """Whether the member's ``notices`` consent is current."""
    return bool(consent.current(member_id).get(CONSENT_KIND))


def set_alerts(member_id: int, on: bool, *, ip: str | None, user_agent: str | None) -> bool:
    """Turn notice alerts on or off in the consent ledger; returns whether it changed. Commits."""
    if alerts_on(member_id) == bool(on):
        return False
    consent.record(member_id, CONSENT_KIND, bool(on), ip=ip, user_agent=user_agent, screen="/notices/alerts")
    db.session.commit()
    return True


def notice_recipients() -> list[tuple[int, str]]:
    """(member id, email) of active members whose ``notices`` consent is current."""
    out = []
    for member_id in consent.member_ids_with(CONSENT_KIND):
        contact = contact_of(member_id)
        if contact is not None and contact.active and contact.email:
            out.append((member_id, contact.email))
    return out


def _base_url() -> str:
    from flask import current_app

    return current_app.config.get("SENTEM_BASE_URL", "").rstrip("/")
