"""Members: every personal item sealed under the member's own data key."""
from __future__ import annotations

from flask_login import UserMixin
from sqlalchemy.orm import validates

from .. import clock
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..security.fields import personal


class Member(UserMixin, db.Model):
    __tablename__ = "members"
    # Never reuse the id of a destroyed row (SQLite would): duties and logs name rows by id.
    __table_args__ = {"sqlite_autoincrement": True}

    id = db.Column(db.Integer, primary_key=True)
    # The data key lives in the key-store database; no foreign key can cross databases.
    data_key_id = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(20), nullable=False, default="active")  # active | withdrawal_pending | withdrawn

    login_id = personal("login_id", unique=True, nullable=False, mask="id")
    email = personal("email", unique=True, nullable=False, mask="email")
    mobile = personal("mobile", index=True, nullable=False, mask="phone")
    name = personal("name", nullable=False, mask="name")

    password_hash = db.Column(db.String(255), nullable=False, info={"personal": "password"})

    birth_date = personal("birth_date", mask="hidden")
    home_phone = personal("home_phone", mask="phone")
    postcode = personal("postcode", mask="hidden")
    address1 = personal("address1", mask="address")
    address2 = personal("address2", mask="hidden")
    company_name = personal("company_name", mask="hidden")
    company_phone = personal("company_phone", mask="phone")
    sns_account = personal("sns_account", mask="hidden")

    email_verified_at = db.Column(UTCDateTime, nullable=True)
    failed_logins = db.Column(db.Integer, nullable=False, default=0)
    locked_until = db.Column(UTCDateTime, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    withdrawn_at = db.Column(UTCDateTime, nullable=True)
    # Bumped by ``services.logout_everywhere``: sessions carrying an older value end.
    session_epoch = db.Column(db.Integer, nullable=False, default=0)
    # When birth date or address last changed: the statistics job decrypts again only the members
    # changed since its last run (their age band and region), not a million every night.
    profile_changed_at = db.Column(UTCDateTime, nullable=True)

    @validates("birth_date_ct", "address1_ct")
    def _mark_profile_change(self, _key, token):
        # Every writer (signup, my-info correction, item deletion) seals through these columns.
        self.profile_changed_at = clock.now()
        return token

    @property
    def is_active(self) -> bool:  # Flask-Login: a withdrawn member cannot log in
        return self.status != "withdrawn"

    @property
    def is_email_verified(self) -> bool:
        """Whether the member proved they own the email address (marketing email needs this)."""
        return self.email_verified_at is not None
