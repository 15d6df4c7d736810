"""Reading a rendered legal page as text: one section, and its table rows or list items."""
from __future__ import annotations

import html as _html
import re


def text(markup: str) -> str:
    """Visible text with whitespace collapsed."""
    return re.sub(r"\s+", " ", _html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def section(page: str, section_id: str) -> str:
    """The markup of ``<section id="section_id">`` (empty when missing)."""
    start = page.find(f'<section id="{section_id}"')
    if start < 0:
        return ""
    return page[start:page.index("</section>", start)]


def blocks(markup: str) -> list[str]:
    """Text of each table row, list item and definition pair of ``markup``."""
    parts = re.split(r"<(?:tr|li|div)[\s>]", markup)[1:]
    return [text(re.split(r"</(?:tr|li|div)>", p)[0]) for p in parts]


def states(page: str, section_id: str, phrase, count: int = 1) -> bool:
    """Whether the section says ``phrase`` (``count`` times); a tuple must share one row or item."""
    markup = section(page, section_id)
    if isinstance(phrase, tuple):
        return any(all(part in block for part in phrase) for block in blocks(markup))
    return text(markup).count(phrase) >= count
