"""Rights requests, correction events and export downloads: the record of every exercise of a right.

Free text a member or staff writes (request detail, answer), a legal
representative's name and their documents are personal data: sealed under the
member's own data key, so crypto-shredding on withdrawal makes them unreadable, and
under a day key (``security/daykeys.py``) — the day of asking until the answer, then the
day the 3 years from the answer end — so they die on time while the member stays.
"""
from __future__ import annotations

import datetime as _dt

from .. import clock
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..privacy.registry import RIGHTS_ANSWER_DAYS, Retention
from ..security.fields import day_key_column, personal

RIGHTS_RETENTION = Retention(years=3, starts="answer")

KINDS = ("access", "correction", "deletion", "suspension", "withdrawal", "other")
# received: waiting for staff · answered: closed with an outcome · pending: a withdrawal
# waiting on an open order (completes by itself)
STATUSES = ("received", "pending", "answered")
OUTCOMES = ("done", "partly_done", "refused", "deferred", "cancelled")


class RightsRequest(db.Model):
    """One exercise of a right (PIPA Art. 35–38), answered at once or by staff within 10 days."""

    __tablename__ = "rights_requests"

    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, nullable=False, index=True)  # no FK: destroyed in any order
    data_key_id = db.Column(db.Integer, nullable=False)
    kind = db.Column(db.String(20), nullable=False)
    status = db.Column(db.String(20), nullable=False, default="received")
    outcome = db.Column(db.String(20), nullable=True)
    # What the request concerned, as a registry key (item or record class); never a value.
    subject = db.Column(db.String(64), nullable=True)
    channel = db.Column(db.String(20), nullable=False, default="online")  # online | staff | proxy
    received_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    due_at = db.Column(UTCDateTime, nullable=False)
    answered_at = db.Column(UTCDateTime, nullable=True)
    answered_by = db.Column(db.Integer, nullable=True)  # staff id; None = answered online at once
    legal_basis = db.Column(db.Text, nullable=True)  # stated when refused or deferred

    day_key_id = day_key_column(RIGHTS_RETENTION)
    detail = personal("rights_request_detail", expires=lambda r: _ends(r.answered_at))
    answer = personal("rights_request_answer", expires=lambda r: _ends(r.answered_at))
    proxy_name = personal("proxy_name", mask="name", expires=lambda r: _ends(r.answered_at))
    proxy_relation = db.Column(db.String(40), nullable=True)

    documents = db.relationship("ProxyDocument", backref="request", cascade="all, delete-orphan",
                                lazy="selectin")

    @staticmethod
    def due_from(received_at: _dt.datetime) -> _dt.datetime:
        """The legal answer deadline for a request received at ``received_at``."""
        return received_at + _dt.timedelta(days=RIGHTS_ANSWER_DAYS)


class ProxyDocument(db.Model):
    """A legal representative's proof (위임장 등), sealed under the member's data key."""

    __tablename__ = "rights_proxy_documents"

    id = db.Column(db.Integer, primary_key=True)
    request_id = db.Column(db.Integer, db.ForeignKey("rights_requests.id"), nullable=False, index=True)
    member_id = db.Column(db.Integer, nullable=False, index=True)  # no FK: destroyed in any order
    data_key_id = db.Column(db.Integer, nullable=False)
    media_type = db.Column(db.String(40), nullable=False)  # decided by magic bytes, not by the upload
    size_bytes = db.Column(db.Integer, nullable=False)
    day_key_id = day_key_column(RIGHTS_RETENTION)
    content = personal("proxy_document", nullable=False, binary=True,
                       expires=lambda d: _ends(d.request.answered_at if d.request is not None else None))
    uploaded_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


def _ends(answered_at):
    return RIGHTS_RETENTION.until(clock.as_utc(answered_at)) if answered_at else None


class CorrectionEvent(db.Model):
    """That an item was corrected or deleted, and when — never the old or new value."""

    __tablename__ = "correction_events"

    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, nullable=False, index=True)  # no FK: destroyed in any order
    item_key = db.Column(db.String(64), nullable=False)
    action = db.Column(db.String(10), nullable=False, default="correct")  # correct | delete
    at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class ExportDownload(db.Model):
    """That the member downloaded their own data (열람), in which format, and when.

    The self-service download answers at once: it is logged here, not filed as a
    rights request for staff (a member who downloads daily would flood that register)."""

    __tablename__ = "export_downloads"

    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, nullable=False, index=True)  # no FK: destroyed in any order
    fmt = db.Column(db.String(8), nullable=False)  # json | zip
    at = db.Column(UTCDateTime, nullable=False, default=utcnow)
