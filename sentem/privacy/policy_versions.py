"""Versions of the shop's legal documents: snapshots with an effective date.

Two documents share this machinery (``document``): the privacy policy (``privacy``,
content from the registry and the registers) and the terms of use (``terms``, content
from ``sentem.policy.terms``). Each version freezes what the page says as JSON, so an
old version stays readable exactly as it was, and the consent ledger can record which
version was in force. Policy §8: a change takes effect no sooner than
``POLICY_NOTICE_DAYS`` after its notice is posted (the terms: 30 days when it
disadvantages members); publishing (``sentem.policy.services``) enforces that.
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import select

from .. import clock
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from .registry import DESTRUCTION_DEADLINE_DAYS, POLICY_NOTICE_DAYS, REGISTRY, RIGHTS_ANSWER_DAYS

DRAFT = "draft"
PUBLISHED = "published"
PRIVACY = "privacy"
TERMS = "terms"


class PolicyVersion(db.Model):
    """One version of the privacy policy (a snapshot; never edited once published)."""

    __tablename__ = "policy_versions"

    id = db.Column(db.Integer, primary_key=True)
    document = db.Column(db.String(16), nullable=False, default=PRIVACY)  # privacy | terms
    label = db.Column(db.String(32), nullable=False)
    summary = db.Column(db.Text, nullable=True)
    # The notice that announces this version (prepared with a draft, posted on publishing).
    notice_title = db.Column(db.String(200), nullable=True)
    notice_body = db.Column(db.Text, nullable=True)
    content = db.Column(db.JSON, nullable=False)
    status = db.Column(db.String(16), nullable=False, default=DRAFT)  # draft | published
    notice_posted_at = db.Column(UTCDateTime, nullable=True)
    effective_date = db.Column(db.Date, nullable=True)  # KST calendar day it takes effect
    # Marked on publishing: the change disadvantages members (terms: 30 days' notice).
    disadvantageous = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    published_at = db.Column(UTCDateTime, nullable=True)

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    def in_force_on(self, day: _dt.date) -> bool:
        return self.is_published and self.effective_date is not None and self.effective_date <= day


def snapshot() -> dict:
    """The policy content as it stands now: the registry plus the DB registers (JSON-safe)."""
    from . import registers

    officer = REGISTRY.officer
    return {
        "purposes": [{"key": p.key, "ko": p.label_ko, "en": p.label_en, "detail_ko": p.detail_ko,
                      "detail_en": p.detail_en} for p in REGISTRY.purposes.values()],
        "items": [
            {"key": i.key, "ko": i.label_ko, "en": i.label_en, "required": i.required,
             "encrypted": i.encrypted, "policy_encrypted": i.policy_encrypted, "hashed": i.hashed,
             "collected_via": i.collected_via, "record_class": i.record_class,
             "purposes": list(i.purposes)}
            for i in REGISTRY.items.values()
        ],
        "record_classes": [
            {"key": rc.key, "ko": rc.label_ko, "en": rc.label_en,
             "legal_basis_ko": rc.legal_basis_ko, "legal_basis_en": rc.legal_basis_en,
             "retention_ko": rc.retention.describe("ko"), "retention_en": rc.retention.describe("en"),
             "retention_years": rc.retention.years, "retention_days": rc.retention.days,
             "starts": rc.retention.starts, "on_withdrawal": rc.on_withdrawal}
            for rc in REGISTRY.ordered_record_classes()
        ],
        "consents": [
            {"key": c.key, "ko": c.label_ko, "en": c.label_en, "required": c.required,
             "retention_ko": c.retention_ko, "retention_en": c.retention_en}
            for c in REGISTRY.consents.values()
        ],
        "entrustees": registers.entrustees_as_dicts(),
        "remedies": [vars(r).copy() for r in REGISTRY.remedies],
        "cookies": [{"name": c.name, "purpose_ko": c.purpose_ko, "purpose_en": c.purpose_en,
                     "period_ko": c.period("ko"), "period_en": c.period("en"), "necessary": c.necessary}
                    for c in REGISTRY.cookies.values()],
        "provisions": registers.provisions_as_dicts(),
        "officer": {
            "name": officer.name, "title": officer.title, "phone": officer.phone,
            "department": officer.department, "department_contact": officer.department_contact,
            "department_phone": officer.department_phone,
        } if officer else None,
        "destruction_deadline_days": DESTRUCTION_DEADLINE_DAYS,
        "notice_days": POLICY_NOTICE_DAYS,
        "rights_answer_days": RIGHTS_ANSWER_DAYS,
    }


def _of(document: str):
    """The condition "a version of ``document``"."""
    return PolicyVersion.document == document


def current_version(at: _dt.datetime | _dt.date | None = None, document: str = PRIVACY) -> PolicyVersion | None:
    """The published version of ``document`` in force at ``at`` (default: now), or None before install."""
    if at is None:
        day = clock.today()
    elif isinstance(at, _dt.datetime):
        day = clock.to_kst(at).date()
    else:
        day = at
    published = select(PolicyVersion).where(_of(document), PolicyVersion.status == PUBLISHED)
    stmt = (published.where(PolicyVersion.effective_date <= day)
            .order_by(PolicyVersion.effective_date.desc(), PolicyVersion.id.desc()).limit(1))
    found = db.session.execute(stmt).scalar_one_or_none()
    if found is None:
        # Before the first version's effective day (an install dated later than ``at``):
        # the first published version is the policy that governs those records.
        found = db.session.execute(published.order_by(PolicyVersion.id).limit(1)).scalar_one_or_none()
    return found


def upcoming(at: _dt.date | None = None, document: str = PRIVACY) -> list[PolicyVersion]:
    """Published versions whose effective day is still ahead (their notice is up)."""
    day = at or clock.today()
    stmt = (select(PolicyVersion).where(_of(document), PolicyVersion.status == PUBLISHED,
                                        PolicyVersion.effective_date > day)
            .order_by(PolicyVersion.effective_date, PolicyVersion.id))
    return list(db.session.execute(stmt).scalars())


def all_versions(published_only: bool = True, document: str = PRIVACY) -> list[PolicyVersion]:
    """Every version of ``document``, newest first."""
    stmt = select(PolicyVersion).where(_of(document)).order_by(PolicyVersion.id.desc())
    if published_only:
        stmt = stmt.where(PolicyVersion.status == PUBLISHED)
    return list(db.session.execute(stmt).scalars())


def latest_published(document: str = PRIVACY) -> PolicyVersion | None:
    """The newest published version, in force or announced."""
    stmt = (select(PolicyVersion).where(_of(document), PolicyVersion.status == PUBLISHED)
            .order_by(PolicyVersion.id.desc()).limit(1))
    return db.session.execute(stmt).scalar_one_or_none()


def previous_of(version: PolicyVersion) -> PolicyVersion | None:
    """The published version of the same document before ``version`` (for the diff)."""
    stmt = (select(PolicyVersion)
            .where(_of(version.document), PolicyVersion.status == PUBLISHED, PolicyVersion.id < version.id)
            .order_by(PolicyVersion.id.desc()).limit(1))
    return db.session.execute(stmt).scalar_one_or_none()


def next_label(document: str = PRIVACY) -> str:
    """``v<N>``: one more than the number of versions of ``document`` so far (drafts included)."""
    count = db.session.execute(select(db.func.count(PolicyVersion.id)).where(_of(document))).scalar_one()
    return f"v{count + 1}"


def open_draft(document: str = PRIVACY) -> PolicyVersion | None:
    """The draft waiting to be published, if any (at most one per document is kept)."""
    stmt = (select(PolicyVersion).where(_of(document), PolicyVersion.status == DRAFT)
            .order_by(PolicyVersion.id.desc()))
    return db.session.execute(stmt.limit(1)).scalar_one_or_none()


TITLES = {PRIVACY: "개인정보 처리방침", TERMS: "이용약관"}


def prepare_draft(change: str, document: str = PRIVACY, content: dict | None = None) -> PolicyVersion:
    """Snapshot ``content`` (default: the registry now) into the open draft (creating it),
    noting ``change``; flushed.

    Used when a register or the configuration changes (policy §4③: changes are published
    through the policy without delay) — the draft still needs publishing under the notice rule.
    """
    # Before adding a row, so autoflush sees no half-made version.
    content = snapshot() if content is None else content
    draft = open_draft(document)
    if draft is None:
        draft = PolicyVersion(document=document, label=next_label(document), status=DRAFT, summary=change,
                              created_at=clock.now(), content=content)
        db.session.add(draft)
    else:
        draft.summary = f"{draft.summary}\n{change}" if draft.summary else change
    draft.content = content
    title = TITLES[document]
    draft.notice_title = f"{title} 변경 안내 ({draft.label})"
    draft.notice_body = (f"{title}이 다음과 같이 변경될 예정입니다.\n\n" + (draft.summary or "")
                         + f"\n\n변경 사항은 시행일 {POLICY_NOTICE_DAYS}일 전부터 공지사항으로 알려 드립니다.")
    db.session.flush()
    return draft


def publish_first(document: str, content: dict) -> PolicyVersion | None:
    """Publish version 1 of ``document`` with ``content``, effective at install; None when one exists."""
    if db.session.execute(select(PolicyVersion.id).where(_of(document)).limit(1)).first() is not None:
        return None
    now = clock.now()
    version = PolicyVersion(document=document, label="v1", summary="최초 게시", content=content,
                            status=PUBLISHED, notice_posted_at=now, effective_date=clock.today(),
                            created_at=now, published_at=now)
    db.session.add(version)
    db.session.flush()
    return version


def ensure_first_version() -> PolicyVersion | None:
    """Init step: seed the registers and publish version 1, effective at install. Idempotent."""
    from . import registers

    if db.session.execute(select(PolicyVersion.id).where(_of(PRIVACY)).limit(1)).first() is not None:
        return None
    registers.seed_from_registry()
    return publish_first(PRIVACY, snapshot())
