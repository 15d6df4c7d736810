"""The stored quarterly self-audit report (분기 1회 자체 감사), kept by the privacy core."""
from __future__ import annotations

from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class AuditReport(db.Model):
    """분기 1회 자체 감사: the stored report of one quarter (HTML and CSV as produced)."""

    __tablename__ = "audit_reports"

    id = db.Column(db.Integer, primary_key=True)
    quarter = db.Column(db.String(6), nullable=False, index=True)  # YYYYQn
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.Integer, nullable=True)
    summary_json = db.Column(db.Text, nullable=False, default="{}")
    html = db.Column(db.Text, nullable=False)
    csv = db.Column(db.Text, nullable=False)
    ok = db.Column(db.Boolean, nullable=False, default=True)
