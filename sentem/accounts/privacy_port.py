"""The member side of the privacy core's members port (``sentem.privacy.members``).

``accounts.init_app`` installs ``PORT``: the consent ledger, the retention engine and
the self-audit learn what they need about members from these functions, without
importing this feature.
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..privacy.members import MemberContact, MembersPort
from ..security import aead, buckets, datakeys, phone
from ..security.fields import field, masked_many, personal_fields
from .models import Member

_CHUNK = 500  # bounded IN lists
_BULK = 10000  # members per chunk of a bulk read (a few range queries each)


def contact(member_id: int) -> MemberContact | None:
    """A member's data key, email and state (None once the row is gone)."""
    member = db.session.get(Member, member_id)
    if member is None:
        return None
    return MemberContact(data_key_id=member.data_key_id, email=member.email, active=member.status == "active")


def data_key_id(member_id: int) -> int | None:
    """A member's data key id, read without decrypting anything (None once the row is gone)."""
    return db.session.execute(select(Member.data_key_id).where(Member.id == member_id)).scalar_one_or_none()


def active_ids(ids: list[int]) -> set[int]:
    """Which of ``ids`` are active members."""
    active: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        active.update(db.session.execute(select(Member.id).where(Member.id.in_(chunk),
                                                                 Member.status == "active")).scalars())
    return active


def sample_values(limit: int) -> list[str]:
    """Decrypted personal values of the ``limit`` newest members still here: every field the
    member declares (``personal(...)``), phones also as bare digits."""
    values: list[str] = []
    members = db.session.execute(select(Member).where(Member.status != "withdrawn")
                                 .order_by(Member.id.desc()).limit(limit)).scalars()
    for member in members:
        for declared in personal_fields(Member):
            try:
                value = getattr(member, declared.name)
            except aead.DecryptionError:  # a destroyed key just means nothing to find
                value = None
            if value:
                values.append(str(value))
                if declared.mask == "phone":
                    values.append(phone.index_form(value))
    return values


def withdrawn_ids(ids: list[int]) -> set[int]:
    """Which of ``ids`` withdrew or no longer exist."""
    present: dict[int, str] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        present.update(db.session.execute(select(Member.id, Member.status).where(Member.id.in_(chunk))).all())
    return {i for i in ids if present.get(i, "withdrawn") == "withdrawn"}


def profile_values(ids: list[int], items: tuple[str, ...]) -> dict[int, dict]:
    """{id: {item: value}} of the active members among ``ids``: the sealed columns of ``items``
    and the data keys are read per chunk of ids (by id range, or IN lists where the ids are
    scattered), nothing else is decrypted (statistics job)."""
    declared = {f.item: f for f in personal_fields(Member)}
    fields = [declared[item] for item in items]  # KeyError: not a member item
    cols = [getattr(Member, f.column_attr) for f in fields]
    out: dict[int, dict] = {}
    ids = sorted(set(ids))
    for start in range(0, len(ids), _BULK):
        chunk = ids[start:start + _BULK]
        wanted, rows = set(chunk), []
        for condition in buckets.id_filters(Member.id, chunk):
            rows.extend(row for row in db.session.execute(
                select(Member.id, Member.data_key_id, *cols)
                .where(condition, Member.status == "active")).all() if row[0] in wanted)
        keys = datakeys.raw_keys(row[1] for row in rows)
        for member_id, key_id, *tokens in rows:
            raw = keys.get(key_id)
            if raw is None:  # shredded: nothing to read
                out[member_id] = {f.item: None for f in fields}
                continue
            values = aead.open_all(raw, [(t, f.item) for f, t in zip(fields, tokens)])
            out[member_id] = {f.item: (v.decode("utf-8") if v is not None else None) for f, v in zip(fields, values)}
    return out


def masked_names(ids: list[int]) -> dict[int, str]:
    """{id: name masked by the field's declared rule} of the members among ``ids`` who are still
    here (withdrawn, gone or shredded members are absent): one query per 500 ids for the rows and
    one bulk unwrap of their data keys (staff lists name a page of members at once)."""
    column = getattr(Member, field(Member, "name").column_attr)
    ids = sorted({int(i) for i in ids})
    rows = []
    for start in range(0, len(ids), _CHUNK):
        rows.extend(db.session.execute(select(Member.id, Member.data_key_id, column).where(
            Member.id.in_(ids[start:start + _CHUNK]), Member.status != "withdrawn")).all())
    return masked_many(Member, "name", rows)


PORT = MembersPort(contact=contact, data_key_id=data_key_id, active_ids=active_ids, sample_values=sample_values,
                   withdrawn_ids=withdrawn_ids, profile_values=profile_values, masked_names=masked_names)
