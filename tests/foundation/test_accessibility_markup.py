"""What automated accessibility rules miss, checked in the served HTML: a skip link,
hints and errors tied to their fields, failed submits named in the title, the language
link's own language, cart buttons that say which product, named header cells and
scroll containers for wide tables."""
from __future__ import annotations

import re

from tests.accounts.builders import signup_form
from tests.builders import login_as, make_member
from tests.orders.builders import make_paid_order, make_product


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _input(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert found, name
    return found.group(0)


def _described_by(tag: str) -> list[str]:
    found = re.search(r'aria-describedby="([^"]*)"', tag)
    return found.group(1).split() if found else []


def test_every_page_starts_with_a_skip_link_to_main(client):
    for path in ("/", "/products", "/signup", "/privacy"):
        html = client.get(path).get_data(as_text=True)
        body = html.split("<body", 1)[1]
        first_link = re.search(r"<a [^>]*>[^<]*</a>", body).group(0)
        assert 'href="#main"' in first_link and "본문 바로가기" in first_link, path
        assert re.search(r'<main [^>]*id="main"', html), path


def test_language_link_is_marked_with_its_language(client):
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<a href="/lang/en[^"]*" lang="en" hreflang="en">English</a>', html)
    client.get("/lang/en")
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<a href="/lang/ko[^"]*" lang="ko" hreflang="ko">한국어</a>', html)
    assert "Skip to main content" in html


def test_failed_signup_is_named_in_the_title_and_errors_tie_to_fields(client):
    ok = client.get("/signup").get_data(as_text=True)
    assert not re.search(r"<title>\s*오류", ok)
    mobile = _input(ok, "mobile")
    assert _described_by(mobile) == ["mobile-hint"] and "mobile-hint" in _ids(ok)

    html = client.post("/signup", data=signup_form(mobile="12", postcode="123")).get_data(as_text=True)
    assert re.search(r"<title>\s*오류: 회원가입", html)
    for name in ("mobile", "postcode"):
        tag = _input(html, name)
        assert _described_by(tag) == [f"{name}-hint", f"{name}-error"], tag
        assert 'aria-invalid="true"' in tag and {f"{name}-hint", f"{name}-error"} <= _ids(html)
    assert re.search(r'id="postcode-error"[^>]*>[^<]*우편번호는 숫자 5자리', html)

    html = client.post("/signup", data=signup_form(consent_terms=None)).get_data(as_text=True)
    box = _input(html, "consent_terms")
    assert _described_by(box) == ["consent_terms-error"] and "consent_terms-error" in _ids(html)


def test_checkout_payment_group_has_its_hint_and_error(client):
    member = make_member()
    login_as(client, member)
    product = make_product()
    client.post("/cart/add", data={"product_id": product.id, "quantity": 1})
    html = client.get("/checkout").get_data(as_text=True)
    radios = re.findall(r'<input type="radio" name="payment_method"[^>]*>', html)
    assert radios and all(_described_by(r) == ["hint-payment_method"] for r in radios)
    assert "hint-payment_method" in _ids(html)
    assert _described_by(_input(html, "postcode")) == ["hint-postcode"]

    token = re.search(r'name="checkout_token" value="([^"]+)"', html).group(1)
    html = client.post("/checkout", data={"checkout_token": token, "recipient_name": "홍길동",
                                          "recipient_phone": "010-1234-5678", "postcode": "1234",
                                          "address1": "서울"}).get_data(as_text=True)
    assert re.search(r"<title>\s*오류: ", html)
    radios = re.findall(r'<input type="radio" name="payment_method"[^>]*>', html)
    assert all(_described_by(r) == ["hint-payment_method", "payment_method-error"] for r in radios)
    assert "payment_method-error" in _ids(html)
    assert _described_by(_input(html, "postcode")) == ["hint-postcode", "postcode-error"]


def test_cart_buttons_name_their_product_and_tables_have_named_headers(client):
    member = make_member()
    login_as(client, member)
    make_paid_order(member)
    for title in ("초록 머그", "파란 텀블러"):
        client.post("/cart/add", data={"product_id": make_product(title=title).id, "quantity": 1})
    html = client.get("/cart").get_data(as_text=True)
    for title in ("초록 머그", "파란 텀블러"):
        assert f'aria-label="{title} 수량 변경"' in html and f'aria-label="{title} 삭제"' in html
    for path in ("/cart", "/orders", "/me", "/me/sessions"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r"<th[^>]*>\s*</th>", page), path
    for path, table in (("/cart", "cart"), ("/orders", "orders"), ("/privacy", "retention-table")):
        page = client.get(path).get_data(as_text=True)
        assert re.search(rf'<div class="table-scroll" role="region" aria-label="[^"]+" tabindex="0">\s*'
                         rf'<table class="{table}', page), path
