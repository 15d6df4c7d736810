"""The entrustment register (위탁) and the third-party provision register (제3자 제공).

Both live in the database so the privacy officer can keep them current; the policy
page reads them through the version snapshot. The entrustment register is seeded
from ``REGISTRY.entrustees`` (policy §4); the provision register starts empty
(policy §3: no provision except with separate consent or under PIPA Art. 17).
Any change prepares a draft policy version with its notice (policy §4③), which is
then published under the 7-day notice rule.
"""
from __future__ import annotations

from sqlalchemy import select

from .. import clock
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from .policy_versions import prepare_draft
from .registry import REGISTRY, Entrustee


class EntrustmentEntry(db.Model):
    """One entrustee and the tasks entrusted to it."""

    __tablename__ = "entrustment_register"

    id = db.Column(db.Integer, primary_key=True)
    entrustee = db.Column(db.String(200), nullable=False)
    tasks_ko = db.Column(db.Text, nullable=False)
    tasks_en = db.Column(db.Text, nullable=False, default="")
    period_ko = db.Column(db.String(200), nullable=False)
    period_en = db.Column(db.String(200), nullable=False, default="")
    items_ko = db.Column(db.Text, nullable=False, default="")
    items_en = db.Column(db.Text, nullable=False, default="")
    # "config:<what>" for rows the configuration brings (kept by ``sync_configured``, not by staff).
    source = db.Column(db.String(80), nullable=True, unique=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class ProvisionEntry(db.Model):
    """One third-party provision with its legal basis (separate consent or a law)."""

    __tablename__ = "provision_register"

    id = db.Column(db.Integer, primary_key=True)
    recipient = db.Column(db.String(200), nullable=False)
    purpose_ko = db.Column(db.Text, nullable=False)
    purpose_en = db.Column(db.Text, nullable=False, default="")
    items_ko = db.Column(db.Text, nullable=False)
    items_en = db.Column(db.Text, nullable=False, default="")
    period_ko = db.Column(db.String(200), nullable=False)
    period_en = db.Column(db.String(200), nullable=False, default="")
    basis_ko = db.Column(db.Text, nullable=False)
    basis_en = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


ENTRUSTMENT_FIELDS = ("entrustee", "tasks_ko", "tasks_en", "items_ko", "items_en", "period_ko", "period_en")
PROVISION_FIELDS = ("recipient", "purpose_ko", "purpose_en", "items_ko", "items_en", "period_ko",
                    "period_en", "basis_ko", "basis_en")
MODELS = {"entrustment": (EntrustmentEntry, ENTRUSTMENT_FIELDS), "provision": (ProvisionEntry, PROVISION_FIELDS)}


def entrustments() -> list[EntrustmentEntry]:
    return list(db.session.execute(select(EntrustmentEntry).order_by(EntrustmentEntry.id)).scalars())


def provisions() -> list[ProvisionEntry]:
    return list(db.session.execute(select(ProvisionEntry).order_by(ProvisionEntry.id)).scalars())


def entrustees_as_dicts() -> list[dict]:
    """The entrustment register as plain dicts (for the policy snapshot)."""
    return [{"name": e.entrustee, "tasks_ko": e.tasks_ko, "tasks_en": e.tasks_en, "items_ko": e.items_ko or "",
             "items_en": e.items_en or "", "period_ko": e.period_ko, "period_en": e.period_en}
            for e in entrustments()]


def provisions_as_dicts() -> list[dict]:
    """The provision register as plain dicts (for the policy snapshot)."""
    return [{f: getattr(p, f) for f in PROVISION_FIELDS} for p in provisions()]


def seed_from_registry() -> int:
    """Fill an empty entrustment register from ``REGISTRY.entrustees`` and the configuration; flushed.

    Returns the rows added.
    """
    if entrustments():
        return 0
    for e in REGISTRY.entrustees:
        db.session.add(EntrustmentEntry(**_values(e)))
    db.session.flush()
    return len(REGISTRY.entrustees) + len(_apply_configured())


def configured() -> dict[str, Entrustee]:
    """The entrustees the configuration names now (carriers, payment gateway, mailer), by source."""
    found: dict[str, Entrustee] = {}
    for source in REGISTRY.entrustee_sources:
        for e in source():
            found[e.source or f"config:{e.name}"] = e
    return found


def _values(e: Entrustee) -> dict:
    return {"entrustee": e.name, "tasks_ko": e.tasks_ko, "tasks_en": e.tasks_en, "items_ko": e.items_ko,
            "items_en": e.items_en, "period_ko": e.period_ko, "period_en": e.period_en}


def configured_differs() -> bool:
    """Whether the configuration names other processors than the register holds (a sync is due)."""
    want = {source: _values(e) for source, e in configured().items()}
    have = {e.source: {f: getattr(e, f) for f in ENTRUSTMENT_FIELDS}
            for e in entrustments() if e.source}
    return want != have


def _apply_configured() -> list[str]:
    """Make the register's configuration rows match ``configured()``; flushed. Returns change lines."""
    want = configured()
    have = {e.source: e for e in entrustments() if e.source}
    changes = []
    for source, entry in have.items():
        if source not in want:
            db.session.delete(entry)
            changes.append(f"- 위탁 삭제: 수탁자 {entry.entrustee}")
    for source, e in want.items():
        values = _values(e)
        entry = have.get(source)
        if entry is None:
            db.session.add(EntrustmentEntry(source=source, **values))
            changes.append(f"- 위탁 추가: 수탁자 {e.name}")
        elif any(getattr(entry, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(entry, f, v)
            entry.updated_at = clock.now()
            changes.append(f"- 위탁 변경: 수탁자 {e.name}")
    db.session.flush()
    return changes


def sync_configured() -> list[str]:
    """Bring the register in line with the configuration; a change prepares a draft version. Commits.

    Runs on ``flask init`` (every deploy) and ``flask policy sync``. The version in force
    is untouched: the draft waits for publishing under the notice rule. Returns the changes.
    """

    changes = _apply_configured()
    if changes:
        prepare_draft("\n".join(changes))
    db.session.commit()
    return changes


def _describe(kind: str, values: dict) -> str:
    name = values.get("entrustee") or values.get("recipient") or ""
    return f"{'수탁자' if kind == 'entrustment' else '제공받는 자'} {name}"


def save(kind: str, values: dict, entry_id: int | None = None):
    """Add or change a register entry and prepare the draft policy version; commits.

    Returns the entry, or None when ``entry_id`` does not exist.
    """

    model, fields = MODELS[kind]
    clean = {f: (values.get(f) or "").strip() for f in fields}
    if entry_id is None:
        entry = model(**clean)
        db.session.add(entry)
        change = f"- {'위탁' if kind == 'entrustment' else '제3자 제공'} 추가: {_describe(kind, clean)}"
    else:
        entry = db.session.get(model, entry_id)
        if entry is None:
            return None
        for f, v in clean.items():
            setattr(entry, f, v)
        entry.updated_at = clock.now()
        change = f"- {'위탁' if kind == 'entrustment' else '제3자 제공'} 변경: {_describe(kind, clean)}"
    db.session.flush()
    prepare_draft(change)
    db.session.commit()
    return entry


def delete(kind: str, entry_id: int) -> bool:
    """Remove a register entry and prepare the draft policy version; commits."""

    model, fields = MODELS[kind]
    entry = db.session.get(model, entry_id)
    if entry is None:
        return False
    values = {f: getattr(entry, f) for f in fields}
    db.session.delete(entry)
    db.session.flush()
    prepare_draft(f"- {'위탁' if kind == 'entrustment' else '제3자 제공'} 삭제: {_describe(kind, values)}")
    db.session.commit()
    return True
