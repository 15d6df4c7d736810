"""Checks of the quarterly self-audit that read the databases themselves:
a plaintext scan for personal values and registry-to-schema consistency.
"""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.types import JSON, String, Text

from ..extensions import db
from ..security.fields import Sealed
from . import members
from .registry import REGISTRY

SAMPLE_SIZE = 25
MIN_LEN = 3
# The same rules as the foundation's registry-enforcement test, applied to the live schema.
PERSONAL_WORDS = {"name", "phone", "mobile", "email", "address", "postcode", "birth", "ip", "recipient",
                  "sns", "company", "agent"}
PERSONAL_NAME = re.compile(r"(^|_)(user_agent|address\d*|" + "|".join(sorted(PERSONAL_WORDS)) + r")(_|$|\d)")
NOT_VALUES = re.compile(r"(_id|_at|_count|_key|_kind|_type|_status|_ref|_no|_code|_class)$")
ALLOWED = {("products", "name"), ("categories", "name"), ("job_runs", "name"), ("policy_versions", "name"),
           ("campaigns", "name"), ("data_keys", "label"), ("retention_sweep_lease", "name"),
           ("provision_register", "recipient")}
SKIP_TABLES = {"alembic_version"}


def sample_values() -> list[str]:
    """Decrypted personal values of a sample of members (newest first), through the members port."""
    return sorted(v for v in set(members.sample_values(SAMPLE_SIZE)) if len(v) >= MIN_LEN)


def _text_columns(engine) -> dict[str, list[str]]:
    insp = inspect(engine)
    out: dict[str, list[str]] = {}
    for table in insp.get_table_names():
        if table in SKIP_TABLES:
            continue
        cols = [c["name"] for c in insp.get_columns(table)
                if isinstance(c["type"], (String, Text, JSON)) or "CHAR" in str(c["type"]).upper()
                or "TEXT" in str(c["type"]).upper()]
        if cols:
            out[table] = cols
    return out


def scan_plaintext(values: list[str] | None = None) -> dict:
    """Search every text column of every table (main, archive, key store) for the sample
    values, and SQLite database files byte by byte. Findings name table.column, never values."""
    values = sample_values() if values is None else values
    findings: list[dict] = []
    cells = 0
    for bind, engine in db.engines.items():
        label = bind or "main"
        with engine.connect() as conn:
            for table, cols in _text_columns(engine).items():
                quoted = ", ".join(f'"{c}"' for c in cols)
                hits: dict[str, int] = {}
                for row in conn.execution_options(stream_results=True).execute(text(f'SELECT {quoted} FROM "{table}"')):
                    for col, cell in zip(cols, row):
                        if cell is None:
                            continue
                        cells += 1
                        s = cell if isinstance(cell, str) else str(cell)
                        if any(v in s for v in values):
                            hits[col] = hits.get(col, 0) + 1
                findings.extend({"where": f"{label}.{table}.{col}", "count": n} for col, n in hits.items())
        if engine.dialect.name == "sqlite" and engine.url.database:
            findings.extend(_scan_sqlite_files(label, Path(engine.url.database), values))
    return {"title": "평문 개인정보 검사", "ok": not findings, "sampled_values": len(values),
            "cells_scanned": cells, "rows": findings}


def _scan_sqlite_files(label: str, path: Path, values: list[str]) -> list[dict]:
    out = []
    encoded = [v.encode("utf-8") for v in values]
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal")):
        if not p.exists():
            continue
        data = p.read_bytes()
        n = sum(1 for v in encoded if v in data)
        if n:
            out.append({"where": f"{label} 파일 {p.name}", "count": n})
    return out


def schema_consistency() -> dict:
    """Registry vs models vs the database: undeclared or plaintext personal columns,
    declared items never stored, mapped tables or columns missing in the database."""
    problems: list[dict] = []
    stored_items: set[str] = set()
    for bind, metadata in db.metadatas.items():
        engine = db.engines[bind]
        insp = inspect(engine)
        existing = set(insp.get_table_names())
        for table in metadata.sorted_tables:
            if table.name not in existing:
                problems.append({"where": table.name, "problem": "데이터베이스에 테이블이 없음"})
                continue
            db_cols = {c["name"] for c in insp.get_columns(table.name)}
            for col in table.columns:
                where = f"{table.name}.{col.name}"
                if col.name not in db_cols:
                    problems.append({"where": where, "problem": "데이터베이스에 열이 없음"})
                item_key = col.info.get("personal")
                sealed = isinstance(col.type, Sealed)
                if item_key:
                    item = REGISTRY.items.get(item_key)
                    if item is None:
                        problems.append({"where": where, "problem": f"등록부에 없는 항목 {item_key}"})
                    elif item.encrypted and not item.hashed and not sealed:
                        problems.append({"where": where, "problem": f"암호화 항목 {item_key}이(가) 평문 열에 저장됨"})
                    if sealed:
                        stored_items.add(item_key)
                    if item is not None and item.hashed:
                        stored_items.add(item_key)
                elif sealed:
                    if not col.info.get("archive_payload"):
                        problems.append({"where": where, "problem": "항목이 선언되지 않은 암호화 열"})
                elif col.info.get("blind_index"):
                    if col.info["blind_index"] not in REGISTRY.items:
                        problems.append({"where": where, "problem": "선언되지 않은 항목의 블라인드 인덱스"})
                elif (PERSONAL_NAME.search(col.name) and (table.name, col.name) not in ALLOWED
                      and not NOT_VALUES.search(col.name) and not col.foreign_keys):
                    problems.append({"where": where, "problem": "개인정보로 보이는 열이 등록부에 연결되지 않음"})
    never = sorted(k for k, i in REGISTRY.items.items() if (i.encrypted or i.hashed) and k not in stored_items)
    for rc in REGISTRY.record_classes.values():
        for item in rc.items:
            if item not in REGISTRY.items:
                problems.append({"where": f"기록 분류 {rc.key}", "problem": f"선언되지 않은 항목 {item}"})
    return {"title": "등록부와 데이터베이스 구조 일치", "ok": not problems, "rows": problems,
            "declared_not_stored": ", ".join(never) or "-"}
