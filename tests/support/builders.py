"""Builders for support tests: consents, inquiries, notices."""
from __future__ import annotations

from sentem.extensions import db


def grant(member, *kinds, granted: bool = True) -> None:
    """Record consents in the ledger for ``member`` (committed)."""
    from sentem.privacy import consent

    for kind in kinds:
        consent.record(member.id, kind, granted, ip="127.0.0.1", user_agent="pytest", screen="test")
    db.session.commit()


def verify_email(member) -> None:
    from sentem import clock

    member.email_verified_at = clock.now()
    db.session.commit()


def make_inquiry(member, category: str = "other", title: str = "문의", body: str = "내용", **kw):
    from sentem.support import inquiries

    return inquiries.open_inquiry(member, category, title, body, **kw)
