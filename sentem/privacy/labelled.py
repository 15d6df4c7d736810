"""A record's personal fields as the access-right export shows them: the registry's label
for each item the row's model declares (``security.fields.personal``), with its plain value."""
from __future__ import annotations

from ..security.fields import personal_fields
from .registry import REGISTRY


def labelled(row) -> dict[str, str]:
    """{Korean label: decrypted value or ''} for every personal field of ``row``, in declaration order."""
    return {REGISTRY.item(f.item).label_ko: getattr(row, f.name) or "" for f in personal_fields(type(row))}


def labelled_rows(rows) -> list[dict[str, str]]:
    """``labelled`` of many rows of one model, each field decrypted for all rows together
    (an export of 1,000 orders opens thousands of values)."""
    if not rows:
        return []
    fields = personal_fields(type(rows[0]))
    columns = [(REGISTRY.item(f.item).label_ko, f.values(rows)) for f in fields]
    return [{label: values[i] or "" for label, values in columns} for i in range(len(rows))]
