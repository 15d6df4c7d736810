"""Staff accounts, their role changes, and the internal management plan they acknowledge.

Staff are not members: their personal data (login ID, name, TOTP secret, access IPs)
belongs to no member, so it is sealed under the master key (``personal(..., key="master")``)
and a day key (``security/daykeys.py``): the day the account was made while it is active,
then the day its 3 years from deactivation end — so an older backup loses it on time.
Role grants, changes and revocations are kept as ``RoleChange`` rows for 3 years.
"""
from __future__ import annotations

from .. import clock
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..privacy.registry import Retention
from ..security.fields import day_key_column, personal

STAFF_RETENTION = Retention(years=3, starts="resignation")


class Staff(db.Model):
    """A staff account: password (argon2id) plus a TOTP second factor."""

    __tablename__ = "staff"
    # Never reuse the id of a destroyed row (SQLite would): duties and logs name rows by id.
    __table_args__ = {"sqlite_autoincrement": True}

    id = db.Column(db.Integer, primary_key=True)
    day_key_id = day_key_column(STAFF_RETENTION)
    login_id = personal("staff_login_id", unique=True, nullable=False, mask="id", key="master",
                        expires=lambda s: _ends(s))
    name = personal("staff_name", mask="name", key="master", expires=lambda s: _ends(s))
    role = db.Column(db.String(32), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False, info={"personal": "staff_password"})
    totp_secret = personal("staff_totp_secret", nullable=False, key="master", expires=lambda s: _ends(s))
    totp_enrolled_at = db.Column(UTCDateTime, nullable=True)  # first successful code
    # The TOTP time step that last completed a sign-in: a code never completes two.
    totp_last_step = db.Column(db.BigInteger, nullable=True)
    # Bumped by a credential reset: a password step done before it no longer leads on.
    credential_version = db.Column(db.Integer, nullable=False, default=0)
    failed_attempts = db.Column(db.Integer, nullable=False, default=0)
    locked_until = db.Column(UTCDateTime, nullable=True)
    last_login_at = db.Column(UTCDateTime, nullable=True)
    last_seen_at = db.Column(UTCDateTime, nullable=True)
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    deactivated_at = db.Column(UTCDateTime, nullable=True)

    @property
    def display_name(self) -> str:
        """Name for screens: the name if given, else the login ID."""
        return self.name or self.login_id



def _ends(staff: Staff):
    # 3 years from deactivation; while active the end is not known (None: the ``open`` day key).
    return STAFF_RETENTION.until(clock.as_utc(staff.deactivated_at)) if staff.deactivated_at else None

class RoleChange(db.Model):
    """One grant, change or revocation of a staff role (kept 3 years)."""

    __tablename__ = "staff_role_changes"

    id = db.Column(db.Integer, primary_key=True)
    staff_id = db.Column(db.Integer, db.ForeignKey("staff.id"), nullable=False, index=True)
    changed_by_id = db.Column(db.Integer, nullable=True)  # None: the command line
    kind = db.Column(db.String(16), nullable=False)  # grant | change | revoke
    from_role = db.Column(db.String(32), nullable=True)
    to_role = db.Column(db.String(32), nullable=True)
    reason = db.Column(db.String(500), nullable=True)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)


class PlanVersion(db.Model):
    """One version of the internal management plan (내부관리계획)."""

    __tablename__ = "management_plan_versions"

    id = db.Column(db.Integer, primary_key=True)
    version = db.Column(db.Integer, nullable=False, unique=True)
    sections_json = db.Column(db.Text, nullable=False)  # [{"key","title","body"}]
    effective_on = db.Column(db.Date, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.Integer, nullable=True)


class PlanAcknowledgement(db.Model):
    """A staff member's acknowledgement of a plan version."""

    __tablename__ = "management_plan_acks"
    __table_args__ = (db.UniqueConstraint("staff_id", "version_id"),)

    id = db.Column(db.Integer, primary_key=True)
    staff_id = db.Column(db.Integer, db.ForeignKey("staff.id"), nullable=False, index=True)
    version_id = db.Column(db.Integer, db.ForeignKey("management_plan_versions.id"), nullable=False)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow)
