"""Finding a member's data in the stored bytes: SQLite files, or a pg_dump of each database."""
from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess

from sqlalchemy import String, Text, or_, select

from sentem.extensions import db


def member_tokens(key_id: int) -> set[str]:
    """Every ciphertext token in the main database sealed under data key ``key_id`` (alone,
    or with a day key: ``x<day>.k<id>``)."""
    patterns = tuple(p for v in ("s1", "s2") for p in (f"{v}$k{key_id}$%", f"{v}$x%.k{key_id}$%"))
    found = set()
    for table in db.metadatas[None].sorted_tables:
        for col in table.columns:
            if isinstance(col.type, (String, Text)) or getattr(col.type, "impl", None).__class__ in (Text, String):
                q = select(col).where(or_(*(col.like(p) for p in patterns)))
                found.update(v for v in db.session.execute(q).scalars() if v)
    return found


def pg_dump_bin() -> str:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))
    return candidates[-1] if candidates else (shutil.which("pg_dump") or "pg_dump")


def stored_bytes(app) -> dict[str, bytes]:
    """What an attacker holding the storage would read: each SQLite file in the instance
    folder (with -wal/-journal), or on PostgreSQL a plain dump of each database."""
    out = {}
    db.session.commit()  # nothing of ours uncommitted or locked while we read
    for bind, engine in db.engines.items():
        if engine.dialect.name == "postgresql":
            url = engine.url
            res = subprocess.run([pg_dump_bin(), "-h", url.host, "-p", str(url.port), "-U", url.username,
                                  "--no-owner", url.database], capture_output=True, timeout=120, check=True)
            out[f"pg_dump:{url.database}"] = res.stdout
    folder = app.config["SENTEM_INSTANCE_PATH"]
    for path in glob.glob(os.path.join(folder, "**", "*.db*"), recursive=True):
        with open(path, "rb") as fh:
            out[path] = fh.read()
    return out


def find(blobs: dict[str, bytes], needles) -> list[tuple[str, str]]:
    """(where, what) for every needle found in any blob."""
    hits = []
    for needle in needles:
        pattern = needle_pattern(needle)
        hits.extend((where, needle) for where, blob in blobs.items() if pattern.search(blob))
    return hits


def needle_pattern(needle: str) -> re.Pattern:
    """The needle's bytes; an all-digit needle (a postcode) only where no digit touches it.

    A stored value is framed by header or quote bytes, while five digits inside a longer
    run (a float in a job's JSON, a random token) are chance: that made one CI run fail."""
    body = re.escape(needle.encode("utf-8"))
    if needle.isdigit():
        return re.compile(rb"(?<![0-9])" + body + rb"(?![0-9])")
    return re.compile(body)
