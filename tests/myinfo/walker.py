"""Test helper: every decrypted personal value the database holds for a member, walked from the
registry's record classes and their models (nothing hard-coded about other features)."""
from __future__ import annotations

from sqlalchemy import select

from sentem.extensions import db
from sentem.privacy.registry import REGISTRY
from sentem.security.fields import personal_fields


def held_values(member_id: int) -> dict[str, set[str]]:
    """item key -> decrypted values held for the member in rows that carry ``member_id``."""
    from sentem.accounts.models import Member

    held: dict[str, set[str]] = {}
    for rc in REGISTRY.ordered_record_classes():
        for model in (rc.models or ()) + ((Member,) if rc.key == "member_profile" else ()):
            if model is Member:
                rows = [db.session.get(Member, member_id)]
            elif "member_id" in model.__table__.c:
                rows = db.session.execute(select(model).where(model.__table__.c.member_id == member_id)).scalars()
            else:
                continue
            for row in rows:
                for declared in personal_fields(model):
                    value = getattr(row, declared.name)
                    if value not in (None, ""):
                        held.setdefault(declared.item, set()).add(str(value))
    return held
