"""Encrypted columns.

A personal item is two attributes on a model: a column of type ``Sealed`` that
holds the token (and refuses anything that is not one, so plaintext can never be
written by mistake), and an ``Encrypted`` descriptor that seals on assignment
and opens on access, under the row's data key (``data_key_id``)::

    name_ct = personal_column("name")
    name = Encrypted("name_ct")

The item key (declared in the privacy registry) is the AEAD context, so a token
copied into another item's column does not open.
"""
from __future__ import annotations

from sqlalchemy.types import Text, TypeDecorator

from ..extensions import db
from . import aead, datakeys


class Sealed(TypeDecorator):
    """Text column that only ever holds sealed tokens."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and not aead.is_token(value):
            raise ValueError("refusing to store plaintext in an encrypted column")
        return value


def personal_column(item: str, nullable: bool = True, **kw):
    """A ``Sealed`` column declared as holding registry item ``item``."""
    return db.Column(Sealed, nullable=nullable, info={"personal": item, "encrypted": True}, **kw)


class Encrypted:
    """Descriptor: plaintext in Python, a token under the row's data key in the column."""

    def __init__(self, column_attr: str, key_attr: str = "data_key_id"):
        self.column_attr = column_attr
        self.key_attr = key_attr
        self.item = None

    def __set_name__(self, owner, name):
        self.name = name

    def _context(self, owner) -> str:
        col = getattr(owner, self.column_attr).property.columns[0]
        return col.info.get("personal", self.name)

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        token = getattr(obj, self.column_attr)
        if token is None:
            return None
        return datakeys.open_token(token, self._context(type(obj))).decode("utf-8")

    def __set__(self, obj, value):
        if value is None or value == "":
            setattr(obj, self.column_attr, None)
            return
        key_id = getattr(obj, self.key_attr)
        if key_id is None:
            raise ValueError(f"{type(obj).__name__}.{self.key_attr} must be set before {self.name}")
        setattr(obj, self.column_attr, datakeys.seal(key_id, str(value), self._context(type(obj))))


class MasterEncrypted(Encrypted):
    """Descriptor for personal data that belongs to no member (e.g. staff): sealed by the master key."""

    def __init__(self, column_attr: str):
        super().__init__(column_attr, key_attr="")

    def __set__(self, obj, value):
        if value is None or value == "":
            setattr(obj, self.column_attr, None)
            return
        setattr(obj, self.column_attr, datakeys.keyring().seal(str(value), self._context(type(obj))))
