"""Issue 18: ``/privacy`` states every fact of the seed policy, in Korean and in English."""
from __future__ import annotations

import pytest

from sentem.policy.seed_facts import REMEDY_FACTS, SEED_FACTS
from sentem.privacy.registry import REGISTRY
from tests.policy import pagetext

FACTS = SEED_FACTS + REMEDY_FACTS


def _page(client, lang: str) -> str:
    if lang == "en":
        client.set_cookie("lang", "en")
    resp = client.get("/privacy")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_seed_fact_is_on_the_page(client, lang):
    page = _page(client, lang)
    missing = [f"{fact.section}: {fact.seed}" for fact in FACTS
               if not pagetext.states(page, fact.section, getattr(fact, lang), fact.count)]
    assert missing == []


def test_the_fact_table_covers_every_seed_section():
    sections = {fact.section for fact in FACTS}
    assert sections >= {"purposes", "items", "retention", "provision", "entrustment", "rights", "destruction",
                        "cookies", "safety", "officer", "remedies", "changes"}


def test_a_dropped_sentence_is_caught(client):
    # The check itself must fail on a page that leaves a fact out.
    page = _page(client, "ko").replace("해당 서비스의 폐지, 사업의 종료 등", "")
    assert any(not pagetext.states(page, f.section, f.ko, f.count) for f in FACTS)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_remedies_come_from_the_registry(client, lang):
    page = _page(client, lang)
    rows = pagetext.blocks(pagetext.section(page, "remedies"))
    assert len(REGISTRY.remedies) == 4
    for remedy in REGISTRY.remedies:
        name = remedy.name_en if lang == "en" else remedy.name_ko
        assert any(name in row and remedy.phone in row and remedy.site in row for row in rows)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_cookies_are_declared_items_with_name_purpose_and_period(client, lang):
    page = _page(client, lang)
    rows = pagetext.blocks(pagetext.section(page, "cookies"))
    assert {"session", "lang"} <= set(REGISTRY.cookies)
    for cookie in REGISTRY.cookies.values():
        purpose = cookie.purpose_en if lang == "en" else cookie.purpose_ko
        assert any(cookie.name in row and purpose in row and cookie.period(lang) in row for row in rows)


def test_the_language_cookie_lives_as_long_as_declared(client):
    resp = client.get("/lang/en")
    header = next(h for h in resp.headers.getlist("Set-Cookie") if h.startswith("lang="))
    assert f"Max-Age={REGISTRY.cookies['lang'].max_age_days * 86400}" in header


def test_encryption_is_stated_once_and_consistently(client):
    page = _page(client, "ko")
    statement = pagetext.text(page.split('class="encryption-statement"')[1].split("</p>")[0])
    customer_items = [i for i in REGISTRY.items.values()
                      if REGISTRY.record_classes.get(i.record_class) is None
                      or REGISTRY.record_class(i.record_class).on_withdrawal != "keep"]
    for item in customer_items:
        if item.encrypted and not item.hashed:
            assert item.label_ko in statement.split("암호화하지 않고")[0]
        elif not item.hashed:  # named as not encrypted, never under "all items encrypted"
            assert item.label_ko in statement.split("암호화하지 않고")[1]
    everything = all(i.encrypted for i in customer_items if not i.hashed)
    safety = pagetext.text(pagetext.section(page, "safety"))
    assert ("모든 개인정보 항목을 암호화" in statement + safety) == everything
    # the seed's own <암호화> items stay named, above the statement
    block = page.split('class="encrypted-items"')[1].split("</ul>")[0]
    for item in REGISTRY.items.values():
        if item.policy_encrypted:
            assert item.label_ko in block
