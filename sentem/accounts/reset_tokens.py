"""Password-reset links: single use, valid ``VALID_FOR``, stored only as a SHA-256 hash.

The token itself exists only in the mail (and the member's browser); the table keeps its
hash, so a copy of the database opens no account. Using a link is a compare-and-set on
``used_at``: of two parallel submits, one sets the password and the other is told the link
was used. Rows are kept a day after they expire, so that a reused or expired link can say
which it is, then deleted when the next link is issued; a member's rows go with the member.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import secrets

from sqlalchemy import delete, func, select, update

from .. import clock
from ..db_types import UTCDateTime, utcnow
from ..extensions import db

VALID_FOR = _dt.timedelta(minutes=30)
KEEP_FOR = _dt.timedelta(days=1)  # after expiry, to tell "used" and "expired" from "unknown"


class PasswordResetToken(db.Model):
    """One mailed reset link (its hash only)."""

    __tablename__ = "password_reset_tokens"

    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, nullable=False, index=True)  # no FK: destroyed with the member
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = db.Column(UTCDateTime, nullable=False)
    used_at = db.Column(UTCDateTime, nullable=True)


def _hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8", "surrogatepass")).hexdigest()


def issue(member_id: int) -> str:
    """A new token for the member (flushed, not committed); old rows past ``KEEP_FOR`` go."""
    now = clock.now()
    db.session.execute(delete(PasswordResetToken).where(PasswordResetToken.expires_at < now - KEEP_FOR))
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordResetToken(member_id=member_id, token_hash=_hash(token), created_at=now,
                                      expires_at=now + VALID_FOR))
    db.session.flush()
    return token


def issued_since(member_id: int, since: _dt.datetime) -> int:
    """How many links the member was sent since ``since`` (the per-account mail limit)."""
    return db.session.execute(select(func.count()).select_from(PasswordResetToken).where(
        PasswordResetToken.member_id == member_id, PasswordResetToken.created_at >= since)).scalar_one()


def state(token: str) -> tuple[str, PasswordResetToken | None]:
    """("valid" | "used" | "expired" | "unknown", row)."""
    if not token or len(token) > 128:
        return "unknown", None
    row = db.session.execute(select(PasswordResetToken)
                             .where(PasswordResetToken.token_hash == _hash(token))).scalar_one_or_none()
    if row is None:
        return "unknown", None
    if row.used_at is not None:
        return "used", row
    if clock.now() >= row.expires_at:
        return "expired", row
    return "valid", row


def consume(row: PasswordResetToken) -> bool:
    """Mark the link used, and every other open link of the member with it (flushed). False when
    a parallel request used it first, or it expired meanwhile."""
    now = clock.now()
    won = db.session.execute(update(PasswordResetToken).where(
        PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None),
        PasswordResetToken.expires_at > now).values(used_at=now)).rowcount == 1
    if won:
        db.session.execute(update(PasswordResetToken).where(
            PasswordResetToken.member_id == row.member_id, PasswordResetToken.used_at.is_(None))
            .values(used_at=now))
    return won


def destroy_of(member_id: int) -> int:
    """Delete a member's reset links (their data is being destroyed; no commit)."""
    return db.session.execute(delete(PasswordResetToken).where(PasswordResetToken.member_id == member_id)).rowcount
