"""Cart: database-backed, checks stock and inactive products, rejects tampered input."""
import pytest

from sentem.shop import cart
from sentem.shop.models import CartItem
from tests.builders import login_as, make_member
from tests.orders.builders import make_product


@pytest.fixture
def member(client):
    m = make_member()
    login_as(client, m)
    return m


def test_anonymous_visitor_has_an_empty_cart_until_adding(client):
    resp = client.get("/cart")
    assert resp.status_code == 200 and "장바구니가 비어 있습니다" in resp.get_data(as_text=True)


def test_add_change_remove(client, member):
    p = make_product(title="머그컵", price=8000, stock=10)
    resp = client.post("/cart/add", data={"product_id": p.id, "quantity": "2"}, follow_redirects=True)
    assert "장바구니에 담았습니다" in resp.get_data(as_text=True)
    client.post("/cart/add", data={"product_id": p.id, "quantity": "1"})
    assert [i.quantity for i in cart.items(member.id)] == [3]
    html = client.get("/cart").get_data(as_text=True)
    assert "24,000원" in html
    client.post("/cart/update", data={"product_id": p.id, "quantity": "5"})
    assert cart.items(member.id)[0].quantity == 5
    client.post("/cart/remove", data={"product_id": p.id})
    assert cart.items(member.id) == []


@pytest.mark.parametrize("product_id,quantity,message", [
    ("abc", "1", "상품을 찾을 수 없습니다"),
    ("-5", "1", "상품을 찾을 수 없습니다"),
    ("99999999999999999999", "1", "상품을 찾을 수 없습니다"),
    ("424242", "1", "판매 중인 상품이 아닙니다"),
    ("{pid}", "-3", "1개 이상"),
    ("{pid}", "0", "1개 이상"),
    ("{pid}", "1000000000000", "최대 99개"),
    ("{pid}", "two", "숫자로"),
    ("{pid}", "50", "재고가 20개뿐"),
])
def test_bad_input_is_refused_clearly(client, member, product_id, quantity, message):
    p = make_product(stock=20)
    resp = client.post("/cart/add", data={"product_id": product_id.format(pid=p.id), "quantity": quantity},
                       follow_redirects=True)
    assert resp.status_code == 200
    assert message in resp.get_data(as_text=True)
    assert CartItem.query.count() == 0


def test_inactive_and_sold_out(client, member):
    gone = make_product(active=False)
    empty = make_product(stock=0, title="다팔림")
    assert "판매 중인 상품이 아닙니다" in client.post("/cart/add", data={"product_id": gone.id, "quantity": 1},
                                                   follow_redirects=True).get_data(as_text=True)
    assert "품절" in client.post("/cart/add", data={"product_id": empty.id, "quantity": 1},
                                follow_redirects=True).get_data(as_text=True)


def test_cart_shows_problem_when_product_goes_inactive(client, member):
    from sentem.extensions import db

    p = make_product(title="곧단종")
    cart.add(member.id, p.id, 1)
    p.active = False
    db.session.commit()
    assert "판매가 중지되었습니다" in client.get("/cart").get_data(as_text=True)
