"""The terms of use as a version snapshot: the article text with the shop's numbers filled in.

The numbers come from configuration (delivery fee, free-delivery threshold, return
window) and the registry (refund business days, notice periods, destruction deadline),
so a change of any of them makes the live terms differ from the version in force and
asks for a new version (``services.revision_needed``).
"""
from __future__ import annotations

from flask import current_app

from ..orders.checkout import shipping_terms
from ..privacy import deadlines
from ..privacy.periods import PERIODS
from .terms_text import ARTICLES


def facts() -> dict:
    """The numbers and names the terms state, read from configuration and the registry."""
    fee, free_over = shipping_terms()
    cfg = current_app.config
    return {
        "business": cfg.get("BUSINESS_NAME", ""), "shop": cfg.get("SHOP_NAME", ""),
        "phone": cfg.get("BUSINESS_PHONE", ""),
        "shipping_fee": f"{fee:,}", "free_over": f"{free_over:,}",
        "return_days": PERIODS.return_window_days, "refund_days": deadlines.REFUND_BUSINESS_DAYS,
        "notice_days": deadlines.POLICY_NOTICE_DAYS,
        "disadvantage_days": deadlines.TERMS_DISADVANTAGE_NOTICE_DAYS,
        "destruction_days": deadlines.DESTRUCTION_DEADLINE_DAYS,
    }


def snapshot() -> dict:
    """The terms as they stand now (JSON-safe): every article in both languages, and its facts."""
    values = facts()
    return {
        "facts": values,
        "articles": [
            {"no": no, "title_ko": t_ko, "title_en": t_en,
             "paragraphs_ko": [p.format(**values) for p in ko], "paragraphs_en": [p.format(**values) for p in en]}
            for no, (t_ko, t_en, ko, en) in enumerate(ARTICLES, start=1)
        ],
    }


def build(content: dict, lang: str = "ko") -> dict:
    """A language-resolved view of a terms snapshot for ``templates/policy/_terms.html``."""
    en = lang == "en"
    return {"articles": [
        {"heading": (f"Article {a['no']} ({a['title_en']})" if en else f"제{a['no']}조 ({a['title_ko']})"),
         "paragraphs": a["paragraphs_en" if en else "paragraphs_ko"]}
        for a in content.get("articles", [])]}


def as_lines(content: dict) -> list[str]:
    """The snapshot as readable Korean lines, one paragraph a line (for the version diff)."""
    return [f"{a['heading']} {p}" for a in build(content, "ko")["articles"] for p in a["paragraphs"]]
