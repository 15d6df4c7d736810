"""Personal fields: each declared once, with its item key, blind index and masking rule.

::

    mobile = personal("mobile", index=True, mask="phone", nullable=False)

declares, on the model, the column ``mobile_ct`` of type ``Sealed`` (it refuses anything
that is not a sealed token, so plaintext can never be written by mistake), the blind-index
column ``mobile_bidx`` when ``index`` (or ``unique``) is set, and the attribute ``mobile``
itself: plaintext in Python, sealed on assignment under the row's data key (``data_key_id``;
``key="master"`` for data that belongs to no member, ``"member_or_master"`` for rows that may
have no member) and opened on access. ``expires=lambda row: <retain-until or None>``
seals the field under that key AND the key of the row's retain-until day (``daykeys``,
``expiring``), so the value dies on its day even while its member stays; such a model
has a ``day_key_id = day_key_column(RETENTION)`` naming the day key its fields are under
(the retention lets the sweep make the coming days' keys ahead: ``expiring.prepare``). Assigning the plaintext keeps the
blind index in step; ``Model.mobile.matches(value)`` is the lookup. ``personal_fields(model)``
lists the declarations (staff masking, the self-audit's plaintext sample and the exports read
them) and ``masked(obj, name)`` shows a value by its declared rule.

The item key (declared in the privacy registry) is the AEAD context, so a token copied into
another item's column does not open.
"""
from __future__ import annotations

import functools
from typing import Callable

from sqlalchemy.types import Text, TypeDecorator

from ..extensions import db
from . import aead, blind_index, datakeys, expiring, masking

KEYS = ("member", "master", "member_or_master")


class Sealed(TypeDecorator):
    """Text column that only ever holds sealed tokens."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and not aead.is_token(value):
            raise ValueError("refusing to store plaintext in an encrypted column")
        return value


def personal_column(item: str, nullable: bool = True, **kw):
    """A bare ``Sealed`` column holding registry item ``item``, for values its module seals
    itself (e.g. uploaded documents); text fields are declared with ``personal``."""
    return db.Column(Sealed, nullable=nullable, info={"personal": item, "encrypted": True}, **kw)


def day_key_column(retention):
    """``day_key_id``: the day key a row's ``expires`` fields are sealed under (the retention
    run finds rows still under a day key that is about to be shredded by it). ``retention``
    (a ``Retention`` counted from the moment the end becomes known) names the days ahead."""
    return db.Column(db.Integer, nullable=True, index=True, info={"day_key_retention": retention})


def day_key_retentions() -> list:
    """The retentions of every day-keyed model (``expiring.prepare``)."""
    return [model.__table__.c.day_key_id.info["day_key_retention"] for model in day_keyed_models()]


class Personal:
    """The declaration of one personal text field (see the module docstring)."""

    def __init__(self, item: str, *, index: bool = False, unique: bool = False, nullable: bool = True,
                 mask: str | None = None, key: str = "member",
                 expires: Callable[[object], object] | None = None, binary: bool = False):
        if mask is not None and mask not in masking.MASKS:
            raise ValueError(f"personal({item!r}): unknown mask {mask!r}")
        if key not in KEYS:
            raise ValueError(f"personal({item!r}): key must be one of {KEYS}")
        self.item, self.mask, self.key, self.expires = item, mask, key, expires
        self.binary = binary  # bytes in Python (an uploaded document), not text
        # Made here, in declaration order, so that the table keeps its column order.
        self.column = personal_column(item, nullable=nullable)
        self.index_column = None
        if index or unique:
            # A unique index (login ID, email) is as required as its field; a lookup-only one
            # (mobile) stays nullable, as the schema has always had it.
            self.index_column = blind_index.index_column(item, unique=unique, nullable=nullable or not unique)
        self.name = self.column_attr = self.index_attr = None
        self.model = None

    def __set_name__(self, owner, name):
        self.name, self.model = name, owner
        self.column_attr = f"{name}_ct"
        setattr(owner, self.column_attr, self.column)
        if self.index_column is not None:
            self.index_attr = f"{name}_bidx"
            setattr(owner, self.index_attr, self.index_column)

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        token = getattr(obj, self.column_attr)
        if token is None:
            return None
        raw = datakeys.open_token(token, self.item)
        return raw if self.binary else raw.decode("utf-8")

    def __set__(self, obj, value):
        if value is None or value == "" or value == b"":
            setattr(obj, self.column_attr, None)
        else:
            setattr(obj, self.column_attr, self._seal(obj, value if self.binary else str(value)))
        if self.index_attr is not None:
            setattr(obj, self.index_attr, None if value in (None, "") else self.index_of(str(value)))

    def sealed(self, obj, value) -> str | None:
        """The token ``value`` gets in this field of ``obj`` (for a compare-and-set UPDATE that
        writes the column itself); moves ``obj.day_key_id`` like an assignment would."""
        if value is None or value == "" or value == b"":
            return None
        return self._seal(obj, value if self.binary else str(value))

    def values(self, rows) -> list:
        """This field of many rows, opened together (``datakeys.open_many``); as ``__get__`` each."""
        raws = datakeys.open_many([getattr(r, self.column_attr) for r in rows], self.item)
        if self.binary:
            return raws
        return [None if raw is None else raw.decode("utf-8") for raw in raws]

    def owner_key(self, obj) -> int | None:
        """The data key of the row's member, or None for the master key."""
        key_id = None if self.key == "master" else obj.data_key_id
        if key_id is None and self.key == "member":
            raise ValueError(f"{type(obj).__name__}.data_key_id must be set before {self.name}")
        return key_id

    def _seal(self, obj, text: str | bytes) -> str:
        key_id = self.owner_key(obj)
        if self.expires is not None:
            day = _day_key(obj, self.expires(obj))
            previous, obj.day_key_id = obj.day_key_id, day
            if previous is not None and previous != day:  # the row's end moved: its other fields follow
                reseal(obj, day)
            return datakeys.seal_until(day, key_id, text, self.item)
        if key_id is None:
            return datakeys.keyring().seal(text, self.item)
        return datakeys.seal(key_id, text, self.item)

    def index_of(self, value: str) -> str:
        """The blind index ``value`` has in this field (a phone is compared by its digits)."""
        if self.index_attr is None:
            raise TypeError(f"{self.model.__name__}.{self.name} has no blind index")
        return blind_index.compute(self.item, value, phone=self.mask == "phone")

    def matches(self, value: str):
        """SQL condition: this field equals ``value`` (through the blind index, never decrypting;
        under every live index key, so lookups hold while the keys are being replaced)."""
        if self.index_attr is None:
            raise TypeError(f"{self.model.__name__}.{self.name} has no blind index")
        found = blind_index.candidates(self.item, value, phone=self.mask == "phone")
        column = getattr(self.model, self.index_attr)
        return column == found[0] if len(found) == 1 else column.in_(found)

    def __repr__(self) -> str:
        return f"personal({self.item!r}) as {getattr(self.model, '__name__', '?')}.{self.name}"


personal = Personal


@functools.cache
def personal_fields(model) -> tuple[Personal, ...]:
    """The personal-field declarations of ``model`` (and its bases), in declaration order."""
    found: dict[str, Personal] = {}
    for klass in reversed(model.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, Personal):
                found[name] = value
    return tuple(found.values())


def _day_key(obj, until, not_before=None) -> int:
    # Remembered on the row for its other fields (one lookup a row, not one a field).
    name = expiring.label(*expiring.day_of(until, not_before))
    memo = obj.__dict__.get("_sentem_day_key")
    if memo is None or memo[0] != name:
        memo = (name, expiring.key_named(name))
        obj.__dict__["_sentem_day_key"] = memo
    return memo[1]


def reseal(obj, day: int | None = None, not_before=None) -> int:
    """Seal ``obj``'s ``expires`` fields again under the day key of its retain-until as it is
    now (or ``day``; never a day before ``not_before``), e.g. once an inquiry is answered;
    returns how many values changed."""
    fields = [f for f in personal_fields(type(obj)) if f.expires is not None]
    if not fields:
        return 0
    if day is None:
        day = _day_key(obj, fields[0].expires(obj), not_before)
    obj.day_key_id, changed = day, 0
    for f in fields:
        token = getattr(obj, f.column_attr)
        if token is None or aead.key_id(token) == datakeys.daykey_kid(day, f.owner_key(obj)):
            continue
        plain = datakeys.open_token(token, f.item)
        setattr(obj, f.column_attr, datakeys.seal_until(day, f.owner_key(obj), plain, f.item))
        changed += 1
    return changed


def day_keyed_models() -> list:
    """Every mapped model with ``expires`` fields (the retention run's day-key step)."""
    return sorted({m.class_ for m in db.Model.registry.mappers
                   if any(f.expires is not None for f in personal_fields(m.class_))},
                  key=lambda model: model.__tablename__)


def field(model, name: str) -> Personal:
    """The declaration of ``model.name``; KeyError when it is not a personal field."""
    for declared in personal_fields(model):
        if declared.name == name:
            return declared
    raise KeyError(f"{model.__name__}.{name} is not a personal field")


def masked(obj, name: str) -> str:
    """``obj.name`` masked by its declared rule; '' when unset, undeclared mask, or the key is gone."""
    declared = field(type(obj), name)
    if declared.mask is None:
        return ""
    try:
        value = getattr(obj, name)
    except aead.KeyDestroyed:  # crypto-shredded: nothing left to show
        return ""
    return masking.mask(declared.mask, value)


def masked_many(model, name: str, rows) -> dict:
    """{row id: value masked by ``model.name``'s declared rule} for ``rows`` of (id, data key id,
    sealed token of that column): the keys are unwrapped in one bulk read, once each, for a whole
    page of rows. Rows without a value or whose key is gone are absent. Member-keyed fields only."""
    declared = field(model, name)
    rows = [row for row in rows if row[2] is not None and row[1] is not None]
    keys = datakeys.raw_keys({key_id for _id, key_id, _token in rows})
    out = {}
    for row_id, key_id, token in rows:
        raw = keys.get(key_id)
        if raw is not None and declared.mask is not None:
            (value,) = aead.open_all(raw, [(token, declared.item)])
            out[row_id] = masking.mask(declared.mask, value.decode("utf-8"))
    return out
