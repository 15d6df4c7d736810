"""Members: every personal item sealed under the member's own data key."""
from __future__ import annotations

from flask_login import UserMixin

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..security.blind_index import index_column
from ..security.fields import Encrypted, personal_column


class Member(UserMixin, db.Model):
    __tablename__ = "members"

    id = db.Column(db.Integer, primary_key=True)
    # The data key lives in the key-store database; no foreign key can cross databases.
    data_key_id = db.Column(db.Integer, nullable=False)
    status = db.Column(db.String(20), nullable=False, default="active")  # active | withdrawal_pending | withdrawn

    login_id_ct = personal_column("login_id", nullable=False)
    login_id = Encrypted("login_id_ct")
    login_id_bidx = index_column("login_id", unique=True, nullable=False)

    email_ct = personal_column("email", nullable=False)
    email = Encrypted("email_ct")
    email_bidx = index_column("email", unique=True, nullable=False)

    mobile_ct = personal_column("mobile", nullable=False)
    mobile = Encrypted("mobile_ct")
    mobile_bidx = index_column("mobile")

    name_ct = personal_column("name", nullable=False)
    name = Encrypted("name_ct")

    password_hash = db.Column(db.String(255), nullable=False, info={"personal": "password"})

    birth_date_ct = personal_column("birth_date")
    birth_date = Encrypted("birth_date_ct")
    home_phone_ct = personal_column("home_phone")
    home_phone = Encrypted("home_phone_ct")
    postcode_ct = personal_column("postcode")
    postcode = Encrypted("postcode_ct")
    address1_ct = personal_column("address1")
    address1 = Encrypted("address1_ct")
    address2_ct = personal_column("address2")
    address2 = Encrypted("address2_ct")
    company_name_ct = personal_column("company_name")
    company_name = Encrypted("company_name_ct")
    company_phone_ct = personal_column("company_phone")
    company_phone = Encrypted("company_phone_ct")
    sns_account_ct = personal_column("sns_account")
    sns_account = Encrypted("sns_account_ct")

    email_verified_at = db.Column(UTCDateTime, nullable=True)
    failed_logins = db.Column(db.Integer, nullable=False, default=0)
    locked_until = db.Column(UTCDateTime, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    withdrawn_at = db.Column(UTCDateTime, nullable=True)
    # Bumped by ``services.logout_everywhere``: sessions carrying an older value end.
    session_epoch = db.Column(db.Integer, nullable=False, default=0)

    @property
    def is_active(self) -> bool:  # Flask-Login: a withdrawn member cannot log in
        return self.status != "withdrawn"

    @property
    def is_email_verified(self) -> bool:
        """Whether the member proved they own the email address (marketing email needs this)."""
        return self.email_verified_at is not None
