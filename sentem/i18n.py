"""Language: Korean by default, English when the visitor switches.

Each feature keeps its own catalog in ``sentem/<feature>/translations`` (msgid =
the Korean text); Flask-Babel merges them. ``compile_catalogs`` builds the ``.mo``
files that are missing or older than their ``.po`` (``make`` and the test session
call it, so a plain ``pytest`` works on a fresh clone).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import current_app, has_request_context, request

from .config import _translation_dirs

LANG_COOKIE = "lang"
PACKAGE_DIR = Path(__file__).resolve().parent


def select_locale() -> str:
    """The ``lang`` cookie when it names a supported language, else Korean."""
    lang = request.cookies.get(LANG_COOKIE) if has_request_context() else None
    return lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def translation_dirs() -> str:
    """Every feature's catalog folder, ``;``-separated as Flask-Babel expects."""
    return _translation_dirs()


def current_lang() -> str:
    """``ko`` or ``en`` for the current request."""
    from flask_babel import get_locale

    loc = get_locale()
    return loc.language if loc else "ko"


def compile_catalogs(force: bool = False) -> list[str]:
    """Compile every ``messages.po`` whose ``.mo`` is missing or stale; returns what was built.

    Writes to a temporary file and renames it, so concurrent test sessions never read
    half a catalog.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    built = []
    for po in sorted(PACKAGE_DIR.glob("*/translations/*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with open(po, "rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        fd, tmp = tempfile.mkstemp(dir=po.parent, prefix=".messages-", suffix=".mo")
        with os.fdopen(fd, "wb") as fh:
            write_mo(fh, catalog)
        os.replace(tmp, mo)
        built.append(str(mo))
    return built
