"""A readable diff between two snapshots of a document: lines added and lines removed."""
from __future__ import annotations

import difflib
from typing import Callable

from .view import as_lines


def between(old: dict | None, new: dict, lines: Callable[[dict], list[str]] = as_lines) -> dict:
    """``{"added": [...], "removed": [...]}`` between two snapshots' readable ``lines``
    (the privacy policy's by default; the terms pass ``terms.as_lines``)."""
    old_lines = lines(old) if old else []
    added, removed = [], []
    for line in difflib.unified_diff(old_lines, lines(new), lineterm="", n=0):
        if line.startswith(("+++", "---", "@@")):
            continue
        if line.startswith("+"):
            added.append(line[1:])
        elif line.startswith("-"):
            removed.append(line[1:])
    return {"added": added, "removed": removed, "first": old is None}
