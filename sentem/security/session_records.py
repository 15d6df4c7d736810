"""What a login session is, and its database store (used when no Redis is configured).

The cookie carries a random id; the store keeps only its sha256. Nothing personal but a
coarse device family (registry item ``session_device``) is kept per session.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from sqlalchemy import delete, select, update

from .. import clock
from ..db_types import UTCDateTime
from ..extensions import db


class LoginSession(db.Model):
    """One signed-in session of a member or a staff member (the database store)."""

    __tablename__ = "login_sessions"
    __table_args__ = (db.Index("ix_login_sessions_owner", "kind", "owner_id"),)

    id_hash = db.Column(db.String(64), primary_key=True)  # sha256 of the cookie's random id
    kind = db.Column(db.String(8), nullable=False)  # member | staff
    owner_id = db.Column(db.Integer, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False)
    last_seen_at = db.Column(UTCDateTime, nullable=False)
    expires_at = db.Column(UTCDateTime, nullable=False)  # absolute end
    idle_seconds = db.Column(db.Integer, nullable=True)  # None: no idle limit
    device = db.Column(db.String(64), nullable=True, info={"personal": "session_device"})


@dataclass(frozen=True)
class Session:
    """A live session as the store holds it."""

    id_hash: str
    kind: str
    owner_id: int
    created_at: _dt.datetime
    last_seen_at: _dt.datetime
    expires_at: _dt.datetime
    idle_seconds: int | None
    device: str

    def alive(self, now: _dt.datetime) -> bool:
        if now >= self.expires_at:
            return False
        return self.idle_seconds is None or now - self.last_seen_at <= _dt.timedelta(seconds=self.idle_seconds)


def from_row(row: LoginSession) -> Session:
    """The session a database row holds."""
    return Session(row.id_hash, row.kind, row.owner_id, clock.as_utc(row.created_at), clock.as_utc(row.last_seen_at),
                   clock.as_utc(row.expires_at), row.idle_seconds, row.device or "")


class DatabaseBackend:
    """Sessions as rows of ``login_sessions`` in the main database; each write commits."""

    @staticmethod
    def load(id_hash: str) -> Session | None:
        row = db.session.execute(select(LoginSession).where(LoginSession.id_hash == id_hash)
                                 .execution_options(populate_existing=True)).scalar_one_or_none()
        return from_row(row) if row is not None else None

    @staticmethod
    def of_owner(kind: str, owner_id: int) -> list[Session]:
        rows = db.session.execute(select(LoginSession).where(LoginSession.kind == kind,
                                                             LoginSession.owner_id == int(owner_id))).scalars()
        return [from_row(r) for r in rows]

    @staticmethod
    def put(s: Session) -> None:
        db.session.add(LoginSession(**s.__dict__))
        db.session.commit()

    @staticmethod
    def touch(s: Session) -> None:
        db.session.execute(update(LoginSession).where(LoginSession.id_hash == s.id_hash)
                           .values(last_seen_at=s.last_seen_at))
        db.session.commit()

    @staticmethod
    def drop(s: Session) -> None:
        db.session.execute(delete(LoginSession).where(LoginSession.id_hash == s.id_hash))
        db.session.commit()

    @staticmethod
    def destroy(kind: str, owner_id: int) -> int:
        """Delete the owner's rows in the caller's transaction (not committed)."""
        return db.session.execute(delete(LoginSession).where(LoginSession.kind == kind,
                                                             LoginSession.owner_id == int(owner_id))).rowcount
