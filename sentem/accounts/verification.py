"""Email ownership: a signed link sent at signup; opening it marks the address verified.

The token names the member and a digest of the stored (encrypted) email, and carries
its issue time from the Sentem clock, so it stops working when the address
changes or after ``SENTEM_EMAIL_VERIFY_DAYS`` (default 7).
"""
from __future__ import annotations

import datetime as _dt
import hashlib

from flask import current_app, has_request_context, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from .. import clock
from ..extensions import db
from ..notify import outbox
from .models import Member

SALT = "sentem-email-verify"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(member: Member) -> str:
    """A signed token for the member's current email address."""
    return _serializer().dumps({"m": member.id, "e": _address_tag(member),
                                "t": int(clock.now().timestamp())})


def _address_tag(member: Member) -> str:
    # Names the stored address (its ciphertext changes when the address does) without
    # the blind index, whose key is replaced after destructions.
    return hashlib.sha256(member.email_ct.encode("ascii")).hexdigest()[:16]


def link_for(member: Member) -> str:
    token = make_token(member)
    if has_request_context():
        return url_for("accounts.verify_email", token=token, _external=True)
    return current_app.config["SENTEM_BASE_URL"].rstrip("/") + f"/signup/verify/{token}"


def queue_link(member: Member) -> None:
    """Send the verification link once the signup commits (nothing is sent for a failed one)."""
    to, member_id, link = member.email, member.id, link_for(member)
    days = int(current_app.config.get("SENTEM_EMAIL_VERIFY_DAYS", 7))
    body = (f"왓플래닛 회원가입을 환영합니다.\n아래 링크를 열어 이메일 주소를 확인해 주세요 ({days}일 동안 유효합니다).\n\n"
            f"{link}\n\n본인이 가입하지 않았다면 이 메일을 무시해 주세요.")
    outbox.after_commit(db.session(), lambda: outbox.send_email(
        to, "[왓플래닛] 이메일 주소 확인", body, category="email_verification", member_id=member_id),
        member_id=member_id)


def verify(token: str) -> Member | None:
    """Mark the email verified when the token is good; returns the member or None. Commits."""
    try:
        data = _serializer().loads(token)
        member_id, prefix, issued = int(data["m"]), str(data["e"]), int(data["t"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    days = int(current_app.config.get("SENTEM_EMAIL_VERIFY_DAYS", 7))
    issued_at = _dt.datetime.fromtimestamp(issued, clock.UTC)
    if clock.now() - issued_at > _dt.timedelta(days=days):
        return None
    member = db.session.get(Member, member_id)
    if member is None or member.status == "withdrawn" or _address_tag(member) != prefix:
        return None
    if member.email_verified_at is None:
        member.email_verified_at = clock.now()
        db.session.commit()
    return member
