"""Language: Korean by default, English when the visitor switches."""
from pathlib import Path

from flask import current_app, request

LANG_COOKIE = "lang"


def select_locale() -> str:
    lang = request.cookies.get(LANG_COOKIE) if request else None
    return lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def translation_dirs() -> str:
    """Every feature keeps its own catalog in ``sentem/<feature>/translations``."""
    base = Path(__file__).resolve().parent.parent
    dirs = [str(p) for p in sorted(base.glob("*/translations")) if p.is_dir()]
    return ";".join(dirs) or str(base / "translations")


def current_lang() -> str:
    from flask_babel import get_locale

    loc = get_locale()
    return loc.language if loc else "ko"
