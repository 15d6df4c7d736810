"""Builders for shop and order tests (other features import these too)."""
from __future__ import annotations

import itertools

from sentem.extensions import db

_seq = itertools.count(1)

DELIVERY = {"recipient_name": "홍길동", "recipient_phone": "010-1234-5678", "postcode": "06236",
            "address1": "서울특별시 강남구 테헤란로 123", "address2": "4층", "delivery_memo": "문 앞에 놓아 주세요"}


def make_category(**kw):
    """A category, committed."""
    from sentem.shop.models import Category

    n = next(_seq)
    data = {"slug": f"cat-{n}", "title": f"분류 {n}", "position": n}
    data.update(kw)
    cat = Category(**data)
    db.session.add(cat)
    db.session.commit()
    return cat


def make_product(**kw):
    """A product in stock (price 12,000원, stock 100 unless given), committed.

    ``name=`` is accepted as an alias of ``title``.
    """
    from sentem.shop.models import Product

    n = next(_seq)
    if "name" in kw:
        kw["title"] = kw.pop("name")
    data = {"title": f"테스트 상품 {n}", "description": "테스트용 상품입니다.", "price": 12000, "stock": 100,
            "active": True}
    data.update(kw)
    product = Product(**data)
    db.session.add(product)
    db.session.commit()
    return product


def checkout(member, products_qty, *, outcome="approve", delivery=None):
    """Put ``[(product, qty), …]`` in the cart and check out with the test gateway; returns the result."""
    from sentem.orders import checkout as co
    from sentem.shop import cart

    for product, qty in products_qty:
        cart.add(member.id, product.id, qty)
    token = co.issue_token(member.id)
    return co.place_order(member, token=token, delivery=dict(delivery or DELIVERY), payment_method="test",
                          payment_params={"test_outcome": outcome})


def buyers_with_one_in_cart(product, n: int) -> list[tuple[int, str]]:
    """``n`` new members, each with one unit of ``product`` in the cart: (member id, checkout token)."""
    from sentem.orders import checkout as co
    from sentem.shop import cart
    from tests.builders import make_member

    buyers = []
    for _ in range(n):
        member = make_member()
        cart.add(member.id, product.id, 1)
        buyers.append((member.id, co.issue_token(member.id)))
    return buyers


def make_paid_order(member, quantity=1, product=None, **product_kw):
    """A paid order of ``quantity`` units of one (new) product, made through the real checkout."""
    product = product or make_product(**product_kw)
    result = checkout(member, [(product, quantity)])
    assert result.outcome == "paid", result.message
    return result.order
