"""Test helper: hostile input for every route of the URL map (issue 14, part 4).

Each request puts one hostile value into every URL variable and into every query or
form field any view reads (found in the source: ``args.get("x")``, ``form.get("x")``
and the fields of every WTForms form), sent raw so that NUL and invalid UTF-8 escapes
reach the application as a browser or a scanner would send them.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import wtforms

ROOT = Path(__file__).resolve().parents[1] / "sentem"

# Raw (already percent-encoded) values: each must end in a 4xx or a page, never a 5xx.
VALUES = (
    str(2**64),
    "99999999999999999999999",
    "-1",
    "abc",
    "A" * 10_240,
    "%00",
    "x%00y",
    "%C3%28%FF%FE",
    "9999-12-31",
    "0001-01-01",
    "0001Q1",
)

_READS = re.compile(r"\b(?:args|form|values)\.(?:get|getlist)\(\s*[\"']([A-Za-z_][\w-]*)[\"']")
_INDEX = re.compile(r"\b(?:args|form|values)\[\s*[\"']([A-Za-z_][\w-]*)[\"']\s*\]")
# Names built at run time (f-strings) that the patterns above cannot see.
EXTRA = ("p_orders", "p_requests", "p_inquiries", "p_logins", "p_consents", "next", "q", "page", "quarter")


def field_names() -> list[str]:
    """Every query or form field name a view or form reads."""
    names = set(EXTRA)
    for path in ROOT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names.update(_READS.findall(text))
        names.update(_INDEX.findall(text))
    todo = list(wtforms.Form.__subclasses__())
    while todo:
        form = todo.pop()
        todo.extend(form.__subclasses__())
        names.update(name for name, _f in getattr(form, "_unbound_fields", None) or ()
                     if not name.startswith("csrf"))
        names.update(name for name, value in vars(form).items()
                     if isinstance(value, wtforms.fields.core.UnboundField))
    return sorted(names)


def fill(rule, value: str) -> str:
    """``rule``'s URL with every variable set to ``value`` (raw, percent-encoded)."""
    url = rule.rule
    for arg in rule.arguments:
        url = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?" + re.escape(arg) + ">", lambda _m: value, url)
    return url


def body(names: list[str], value: str) -> str:
    """An urlencoded query or form body giving ``value`` to every name."""
    return "&".join(f"{quote(n)}={value}" for n in names)


def methods(rule) -> list[str]:
    """The methods the walk sends to ``rule`` (GET and POST where it takes them)."""
    return [m for m in ("GET", "POST") if m in rule.methods]
