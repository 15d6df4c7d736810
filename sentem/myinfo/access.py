"""Access (열람): everything held about a member, walked from the privacy registry.

The export is the registry's record classes in their order, each with its labels,
legal basis, retention and the rows its own ``export`` function returns — so a
feature that registers a record class appears here without this module knowing it.

JSON format (``/me/export.json``)::

    {"format": "sentem-export/1", "exported_at": "...+09:00", "member_id": 7,
     "items": [{"key", "label_ko", "label_en", "record_class", "purposes", "required",
                "retention_ko", "retention_en", "value"}],          # every registry item
     "record_classes": {"<key>": {"label_ko", "label_en", "legal_basis_ko", "legal_basis_en",
                                  "retention_ko", "retention_en", "on_withdrawal",
                                  "rows": [{"<Korean label>": "<decrypted value>"}]}}}
"""
from __future__ import annotations

import csv
import datetime as _dt
import decimal
import io
import json
import zipfile

from flask import current_app

from .. import clock
from ..accounts import services as accounts
from ..privacy.registry import REGISTRY, Item, RecordClass

PROFILE = "member_profile"
FORMAT = "sentem-export/1"


_AS_IS = frozenset((str, int, float, bool))  # most exported values: returned without a test each


def plain(value):
    """A JSON- and CSV-friendly form of an exported value (times in Korean time)."""
    if type(value) in _AS_IS:
        return value
    if value is None:
        return ""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, _dt.datetime):
        return clock.to_kst(value).isoformat(timespec="seconds")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"({len(value)} bytes)"
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _member(member_id: int):
    return accounts.get(member_id)


def profile_value(member, item: Item):
    """The value of a profile item held on the member row (never a password hash)."""
    if member is None or item.hashed or item.record_class != PROFILE:
        return None
    return getattr(member, item.key, None) if hasattr(type(member), item.key) else None


def _profile_rows(member_id: int) -> list[dict]:
    # Used only when membership's record class has no export of its own.
    member = _member(member_id)
    row = {i.label_ko: profile_value(member, i) for i in REGISTRY.items_of(PROFILE) if not i.hashed}
    return [{k: v for k, v in row.items() if v not in (None, "")}] if member else []


def rows_of(rc: RecordClass, member_id: int) -> list[dict]:
    """The member's rows of one record class, as plain values."""
    if rc.export is not None:
        rows = rc.export(member_id)
    elif rc.key == PROFILE:
        rows = _profile_rows(member_id)
    else:
        rows = []
    # ``plain`` inlined for the common case (str keys, plain values): a large export has
    # tens of thousands of values, and a call each was about a tenth of its CPU time (cProfile).
    return [{k if type(k) is str else str(k): v if type(v) in _AS_IS else plain(v)
             for k, v in (r if type(r) is dict else dict(r)).items()} for r in rows]


def purposes_ko(item: Item) -> list[str]:
    return [REGISTRY.purposes[p].label_ko for p in item.purposes if p in REGISTRY.purposes]


def items_table(member) -> list[dict]:
    """Every personal item the registry declares, with its purposes, retention and (profile) value."""
    out = []
    for rc in REGISTRY.ordered_record_classes():
        for item in REGISTRY.items_of(rc.key):
            out.append({
                "key": item.key, "label_ko": item.label_ko, "label_en": item.label_en,
                "record_class": rc.key, "record_class_label_ko": rc.label_ko,
                "purposes": purposes_ko(item), "required": item.required, "hashed": item.hashed,
                "retention_ko": rc.retention.describe("ko"), "retention_en": rc.retention.describe("en"),
                "value": "" if item.hashed else plain(profile_value(member, item)),
            })
    return out


def export(member_id: int) -> dict:
    """Everything held about the member, grouped by record class (see the module docstring)."""
    member = _member(member_id)
    classes = {}
    for rc in REGISTRY.ordered_record_classes():
        classes[rc.key] = {
            "label_ko": rc.label_ko, "label_en": rc.label_en,
            "legal_basis_ko": rc.legal_basis_ko, "legal_basis_en": rc.legal_basis_en,
            "retention_ko": rc.retention.describe("ko"), "retention_en": rc.retention.describe("en"),
            "on_withdrawal": rc.on_withdrawal,
            "rows": rows_of(rc, member_id),
        }
    items = [{k: v for k, v in i.items() if k not in ("record_class_label_ko", "hashed")}
             for i in items_table(member)]
    return {"format": FORMAT, "exported_at": plain(clock.now()), "member_id": member_id,
            "shop": current_app.config.get("SHOP_NAME", ""), "items": items, "record_classes": classes}


def export_json(member_id: int) -> str:
    """The export as one JSON text (see ``json_chunks``)."""
    return "".join(json_chunks(export(member_id)))


def json_chunks(data: dict, rows_per_chunk: int = 200):
    """``data`` (an ``export``) as JSON text in pieces, one item or record per line.

    Each line is encoded by the C encoder (``indent`` would switch to the pure-Python one,
    most of a large export's time); the response is sent piece by piece.
    """
    enc = json.JSONEncoder(ensure_ascii=False).encode
    keys = list(data)
    yield "{"
    for n, key in enumerate(keys):
        yield f'{"," if n else ""}\n  {enc(key)}: '
        value = data[key]
        if key == "items":
            yield from _rows(value, "    ", enc, rows_per_chunk)
        elif key == "record_classes":
            yield "{"
            for m, (rc_key, group) in enumerate(value.items()):
                head = enc({k: v for k, v in group.items() if k != "rows"})
                yield f'{"," if m else ""}\n    {enc(rc_key)}: {head[:-1]}, "rows": '
                yield from _rows(group["rows"], "      ", enc, rows_per_chunk)
                yield "}"
            yield "\n  }"
        else:
            yield enc(value)
    yield "\n}\n"


def _rows(rows: list, pad: str, enc, per_chunk: int):
    if not rows:
        yield "[]"
        return
    yield "["
    for start in range(0, len(rows), per_chunk):
        yield ("," if start else "") + ",".join(f"\n{pad}{enc(r)}" for r in rows[start:start + per_chunk])
    yield f"\n{pad[:-2]}]"


def _csv(rows: list[dict]) -> bytes:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c, "")) for c in columns])
    # UTF-8 with a byte-order mark, so that Excel opens Korean text correctly.
    return buf.getvalue().encode("utf-8-sig")


def _cell(value) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    # Spreadsheet formula injection: a cell must never start a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def export_zip(member_id: int) -> bytes:
    """One CSV per record class (plus the item list), zipped."""
    data = export(member_id)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        items = [{"항목": i["label_ko"], "기록 종류": i["record_class"], "처리 목적": ", ".join(i["purposes"]),
                  "보유 기간": i["retention_ko"], "값": i["value"]} for i in data["items"]]
        zf.writestr("00_items.csv", _csv(items))
        for n, (key, group) in enumerate(data["record_classes"].items(), start=1):
            zf.writestr(f"{n:02d}_{key}.csv", _csv(group["rows"]))
    return out.getvalue()
