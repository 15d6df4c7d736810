"""Catalog pages: home, listing with paging and search, product page, 404s."""
from tests.orders.builders import make_category, make_product


def test_home_shows_featured_products(client):
    make_product(title="머그컵", featured=True)
    resp = client.get("/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "머그컵" in html and "개인정보 처리방침" in html


def test_products_paging_and_search(client):
    cups = make_category(slug="cups", title="컵")
    for i in range(30):
        make_product(title=f"상품{i:02d}", category_id=cups.id if i % 2 else None)
    make_product(title="숨은상품", active=False)
    first = client.get("/products").get_data(as_text=True)
    assert "상품29" in first and "상품05" not in first and 'rel="next"' in first
    second = client.get("/products?page=2").get_data(as_text=True)
    assert "상품05" in second and 'rel="next"' not in second
    assert "숨은상품" not in first + second
    found = client.get("/products?q=상품1").get_data(as_text=True)
    assert "상품12" in found and "상품22" not in found
    in_cat = client.get("/products?category=cups").get_data(as_text=True)
    assert "상품29" in in_cat and "상품28" not in in_cat
    assert client.get("/products?page=abc&q=%25_%27").status_code == 200
    assert client.get("/products?category=nope").status_code == 200


def test_product_page_and_404s(client):
    p = make_product(title="텀블러", price=15900, description="보온 6시간")
    html = client.get(f"/products/{p.id}").get_data(as_text=True)
    assert "텀블러" in html and "15,900원" in html and "보온 6시간" in html
    hidden = make_product(active=False)
    assert client.get(f"/products/{hidden.id}").status_code == 404
    assert client.get("/products/999999").status_code == 404
    assert client.get("/products/99999999999999999999").status_code == 404
    assert client.get("/products/abc").status_code == 404
    svg = client.get(f"/products/{p.id}/image.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"


def test_anonymous_page_cache_sees_every_change(client, app):
    from sentem.extensions import db
    from sentem.orders.stock import take
    from sentem.orders.models import Order, OrderLine

    p = make_product(title="캐시 머그", price=10000, stock=3)
    assert "10,000원" in client.get(f"/products/{p.id}").get_data(as_text=True)
    assert "10,000원" in client.get("/products").get_data(as_text=True)
    p.price = 11000  # an ORM change bumps the revision
    db.session.commit()
    assert "11,000원" in client.get(f"/products/{p.id}").get_data(as_text=True)
    assert "11,000원" in client.get("/products").get_data(as_text=True)
    order = Order(lines=[OrderLine(product_id=p.id, product_title=p.title, unit_price=1, quantity=3, line_total=3)])
    take(order)  # a stock UPDATE (as at checkout) bumps it too
    db.session.commit()
    assert "품절" in client.get(f"/products/{p.id}").get_data(as_text=True)
    p.active = False
    db.session.commit()
    assert client.get(f"/products/{p.id}").status_code == 404
    assert "캐시 머그" not in client.get("/products").get_data(as_text=True)


def test_english_catalog(client):
    make_product(title="머그컵", price=8000)
    assert "전체 상품" in client.get("/products").get_data(as_text=True)
    client.set_cookie("lang", "en")
    html = client.get("/products").get_data(as_text=True)
    assert "All products" in html and "₩8,000" in html


def test_cached_answers_carry_the_same_headers_and_never_serve_members(client, app):
    from tests.builders import login_as, make_member

    p = make_product(title="헤더 머그")
    first = client.get(f"/products/{p.id}")
    again = client.get(f"/products/{p.id}")
    assert first.get_data() == again.get_data()
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in again.headers
    from flask import g

    g.pop("_login_user", None)  # the fixture's app context (and g) outlives each test request
    member_client = app.test_client()
    login_as(member_client, make_member())
    member_page = member_client.get(f"/products/{p.id}").get_data(as_text=True)
    assert "장바구니에 담기" in member_page and 'name="csrf_token"' in member_page


def test_a_sale_invalidates_only_the_pages_showing_that_products_stock(client, app):
    """The cache check reads one version row (and the product's revision on its page): a sale
    that leaves stock keeps every listing and every other product page cached; the last unit
    sold (품절 on the listing) or stock coming back changes the listings too."""
    from sentem.extensions import db
    from sentem.shop import inventory, pagecache

    sold = make_product(title="팔릴 컵", stock=2)
    other = make_product(title="다른 컵", stock=5)

    def card():  # the listing's card of the product being sold
        return client.get("/products").get_data(as_text=True).split("팔릴 컵")[1].split("</a>")[0]

    for url in ("/", "/products", f"/products/{sold.id}", f"/products/{other.id}"):
        assert client.get(url).status_code == 200
    listing, other_page = pagecache.catalog_version(), pagecache.catalog_version(other.id)
    sold_page = pagecache.catalog_version(sold.id)

    assert inventory.take(sold.id, 1)  # one left: only this product's page changes
    db.session.commit()
    assert pagecache.catalog_version() == listing and pagecache.catalog_version(other.id) == other_page
    assert pagecache.catalog_version(sold.id) != sold_page
    assert "남은 수량 1개" in client.get(f"/products/{sold.id}").get_data(as_text=True)
    assert "품절" not in card()

    assert inventory.take(sold.id, 1)  # sold out: the listings show 품절 at once
    db.session.commit()
    assert pagecache.catalog_version() != listing
    assert "품절" in card()
    inventory.give_back(sold.id, 1)  # back in stock: the badge goes
    db.session.commit()
    assert "품절" not in card()
