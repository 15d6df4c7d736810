"""Product page terms (fee, free-delivery threshold, stock state, returns) and the list's sort,
count and paging."""
from html import unescape

from sentem.shop import inventory
from sentem.extensions import db
from tests.orders.builders import make_category, make_product


def _html(client, url) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, url
    return unescape(resp.get_data(as_text=True))


def test_product_page_states_fee_threshold_returns_from_the_shop_settings(app, client):
    app.config.update(SENTEM_SHIPPING_FEE=3500, SENTEM_FREE_SHIPPING_OVER=40000, SENTEM_RETURN_WINDOW_DAYS=14)
    product = make_product(title="수건 2장 세트", price=15000)
    page = _html(client, f"/products/{product.id}")
    assert "3,500원" in page and "40,000원 이상 구매 시 무료배송" in page
    assert "교환/반품 안내" in page and "받은 날부터 14일 이내" in page and "왕복 배송비 7,000원" in page
    from sentem.orders.checkout import shipping_fee  # checkout charges the same numbers
    assert shipping_fee(39999) == 3500 and shipping_fee(40000) == 0


def test_stock_state_sold_out_low_and_plenty(client):
    product = make_product(title="가죽 북커버", stock=30)
    assert "구매 가능" in _html(client, f"/products/{product.id}")
    assert inventory.take(product.id, 27)
    db.session.commit()
    page = _html(client, f"/products/{product.id}")
    assert "재고 5개 이하" in page and "남은 수량 3개" in page
    assert inventory.take(product.id, 3)
    db.session.commit()
    page = _html(client, f"/products/{product.id}")
    assert "품절" in page and "장바구니에 담기" not in page


def test_notice_table_follows_the_category(client):
    cat = make_category(title="아웃도어", notice_fields=["품명 및 모델명", "크기, 중량", "제조국"])
    product = make_product(category_id=cat.id, notice={"크기, 중량": "52×60×70cm, 1.2kg"})
    page = _html(client, f"/products/{product.id}")
    table = page.split("상품정보제공고시")[1].split("</table>")[0]
    assert '<th scope="row">크기, 중량</th><td>52×60×70cm, 1.2kg</td>' in table
    assert table.count("<tr>") == 3 and "상품 상세 설명 참조" in table


def test_list_sorts_counts_and_pages(client):
    cheap = make_product(title="싼 펜", price=1000)
    dear = make_product(title="비싼 의자", price=90000)
    popular = make_product(title="인기 노트", price=5000)
    assert inventory.take(popular.id, 7) and inventory.take(dear.id, 1)
    db.session.commit()

    def order(sort):
        page = _html(client, f"/products?sort={sort}")
        return sorted((t for t in ("싼 펜", "비싼 의자", "인기 노트")), key=page.index)

    assert order("new") == ["인기 노트", "비싼 의자", "싼 펜"]
    assert order("price_asc") == ["싼 펜", "인기 노트", "비싼 의자"]
    assert order("price_desc") == ["비싼 의자", "인기 노트", "싼 펜"]
    assert order("popular") == ["인기 노트", "비싼 의자", "싼 펜"]
    assert order("'; drop table products --") == order("new")  # unknown: the default order, no error
    assert "상품 3개" in _html(client, "/products")
    assert "상품 1개" in _html(client, "/products?q=펜")
    assert cheap.id


def test_paging_keeps_sort_and_filters(client):
    for i in range(30):
        make_product(title=f"상품{i:02d}", price=1000 + i)
    first = _html(client, "/products?sort=price_asc&q=상품")
    assert "상품 30개" in first and "상품00" in first and "상품29" not in first
    assert 'href="/products?q=%EC%83%81%ED%92%88&sort=price_asc&page=2"' in first
    second = _html(client, "/products?sort=price_asc&q=상품&page=2")
    assert "상품29" in second and 'aria-current="page">2<' in second
    past = _html(client, "/products?page=999")  # past the end: the last page, not an empty one
    assert "상품00" in past
