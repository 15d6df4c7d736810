"""A readable diff between two policy snapshots: lines added and lines removed."""
from __future__ import annotations

import difflib

from .view import as_lines


def between(old: dict | None, new: dict) -> dict:
    """``{"added": [...], "removed": [...]}`` between two snapshots' readable lines."""
    old_lines = as_lines(old) if old else []
    added, removed = [], []
    for line in difflib.unified_diff(old_lines, as_lines(new), lineterm="", n=0):
        if line.startswith(("+++", "---", "@@")):
            continue
        if line.startswith("+"):
            added.append(line[1:])
        elif line.startswith("-"):
            removed.append(line[1:])
    return {"added": added, "removed": removed, "first": old is None}
