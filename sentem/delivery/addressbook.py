"""The member's address book: several saved addresses, exactly one default (when any exist).

Every function takes the member and only ever touches that member's rows: another
member's entry id is "not found" (``LookupError``), which the pages answer with 404.
Each change is one transaction.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from .. import clock
from ..extensions import db
from .models import AddressBookEntry
from .services import DeliveryInputError
from .validation import clean_address

MAX_ENTRIES = 20


def entries(member_id: int) -> list[AddressBookEntry]:
    """The member's saved addresses, the default first."""
    return db.session.execute(select(AddressBookEntry).filter_by(member_id=member_id)
                              .order_by(AddressBookEntry.is_default.desc(), AddressBookEntry.id)).scalars().all()


def get(member_id: int, entry_id: int) -> AddressBookEntry:
    """One of the member's entries; LookupError when it is not theirs or does not exist."""
    entry = db.session.execute(select(AddressBookEntry)
                               .filter_by(id=entry_id, member_id=member_id)).scalar_one_or_none()
    if entry is None:
        raise LookupError(entry_id)
    return entry


def _fill(entry: AddressBookEntry, values: dict) -> None:
    entry.label = values.get("label") or None
    entry.recipient_name = values["recipient_name"]
    entry.recipient_phone = values["recipient_phone"]
    entry.postcode = values["postcode"]
    entry.address1 = values["address1"]
    entry.address2 = values.get("address2") or None
    entry.updated_at = clock.now()


def _make_default(member_id: int, entry: AddressBookEntry) -> None:
    db.session.execute(update(AddressBookEntry).where(AddressBookEntry.member_id == member_id,
                                                      AddressBookEntry.id != entry.id)
                       .values(is_default=False).execution_options(synchronize_session="fetch"))
    entry.is_default = True


def add(member, data: dict, *, make_default: bool = False) -> AddressBookEntry:
    """Save a new address (the first one becomes the default); commits.

    Raises DeliveryInputError with field messages, writing nothing.
    """
    values, errors = clean_address(data, with_label=True)
    count = len(entries(member.id))
    if count >= MAX_ENTRIES:
        errors["label"] = _l("배송지는 %(n)d개까지 저장할 수 있습니다. 쓰지 않는 배송지를 지운 뒤 추가해 주세요.",
                             n=MAX_ENTRIES)
    if errors:
        db.session.rollback()
        raise DeliveryInputError(errors)
    entry = AddressBookEntry(member_id=member.id, data_key_id=member.data_key_id, is_default=False,
                             created_at=clock.now())
    _fill(entry, values)
    db.session.add(entry)
    db.session.flush()
    if make_default or count == 0:
        _make_default(member.id, entry)
    db.session.commit()
    return entry


def edit(member, entry_id: int, data: dict, *, make_default: bool = False) -> AddressBookEntry:
    """Change a saved address; commits. LookupError for another member's id."""
    entry = get(member.id, entry_id)
    values, errors = clean_address(data, with_label=True)
    if errors:
        db.session.rollback()
        raise DeliveryInputError(errors)
    _fill(entry, values)
    if make_default:
        _make_default(member.id, entry)
    db.session.commit()
    return entry


def remove(member, entry_id: int) -> None:
    """Delete a saved address (a real DELETE); if it was the default, the oldest other becomes it."""
    entry = get(member.id, entry_id)
    was_default = entry.is_default
    db.session.delete(entry)
    db.session.flush()
    if was_default:
        rest = entries(member.id)
        if rest:
            _make_default(member.id, rest[0])
    db.session.commit()


def set_default(member, entry_id: int) -> AddressBookEntry:
    """Make one saved address the default; commits."""
    entry = get(member.id, entry_id)
    _make_default(member.id, entry)
    db.session.commit()
    return entry
