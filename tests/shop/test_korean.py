"""Korean particles after names the code does not know in advance: one helper, chosen by 받침."""
from html import unescape

import pytest

from sentem.korean import attach, particle


@pytest.mark.parametrize("word, pair, expected", [
    ("스테인리스 텀블러", "을/를", "스테인리스 텀블러를"),
    ("왓플래닛 머그컵", "을/를", "왓플래닛 머그컵을"),
    ("향초 (무화과)", "을/를", "향초 (무화과)를"),
    ("젤 펜 5색 세트", "이/가", "젤 펜 5색 세트가"),
    ("줄 노트 A5", "을/를", "줄 노트 A5를"),
    ("USB 케이블 1", "은/는", "USB 케이블 1은"),
    ("모델 3", "을/를", "모델 3을"),
    ("LG", "이/가", "LG가"),
    ("HTML", "을/를", "HTML을"),
    ("서울", "으로/로", "서울로"),
    ("부산항", "으로/로", "부산항으로"),
    ("부산", "과/와", "부산과"),
])
def test_particle_follows_the_final_sound(word, pair, expected):
    assert attach(word, pair) == expected


def test_unknown_final_sound_keeps_both_forms():
    assert particle("★", "을/를") == "을(를)"
    assert particle("", "이/가") == "이(가)"


def test_cart_flash_uses_the_right_particle(client):
    from tests.builders import login_as, make_member
    from tests.orders.builders import make_product

    tumbler = make_product(title="스테인리스 텀블러")
    mug = make_product(title="왓플래닛 머그컵")
    login_as(client, make_member())
    for product, expected in ((tumbler, "'스테인리스 텀블러'를 장바구니에"), (mug, "'왓플래닛 머그컵'을 장바구니에")):
        html = unescape(client.post("/cart/add", data={"product_id": product.id, "quantity": 1},
                           follow_redirects=True).get_data(as_text=True))
        assert expected in html and "을(를)" not in html
