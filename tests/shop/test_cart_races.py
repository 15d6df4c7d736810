"""Cart adds under races: one line per product, quantities summed, limits kept, never a 500.

The attack of issue 14: simultaneous ``POST /cart/add`` of a product not yet in the cart
hit the unique (member, product) constraint and answered 500. Adding is now one upsert.
"""
from sentem.extensions import db
from sentem.shop import cart
from sentem.shop.models import CartItem
from tests.builders import PASSWORD, make_member
from tests.orders.builders import make_product
from tests.races import LiveClient, errors, race

N = 8


def _lines(member_id: int) -> list[tuple[int, int]]:
    return [(i.product_id, i.quantity) for i in
            db.session.execute(db.select(CartItem).filter_by(member_id=member_id)).scalars()]


def test_8_simultaneous_adds_of_a_new_product_over_http_make_one_line(app, live_server):
    member = make_member()
    product = make_product(stock=100)
    member_id, product_id = member.id, product.id
    browser = LiveClient(live_server)
    browser.login(member.login_id, PASSWORD)
    form = {"csrf_token": browser.csrf(f"/products/{product_id}"), "product_id": product_id, "quantity": 2}
    db.session.remove()

    replies = race(app, [lambda: browser.request("POST", "/cart/add", form)] * N)

    assert errors(replies) == []
    assert [(r.status, r.location.endswith("/cart")) for r in replies] == [(302, True)] * N
    assert _lines(member_id) == [(product_id, 2 * N)]


def test_racing_adds_never_pass_the_per_line_limit(app):
    member = make_member()
    product = make_product(stock=500)
    cart.add(member.id, product.id, 95)
    member_id, product_id = member.id, product.id
    db.session.remove()

    results = race(app, [lambda: cart.add(member_id, product_id, 1)] * N)

    assert errors(results, cart.CartError) == []
    refused = [str(r) for r in results if isinstance(r, cart.CartError)]
    assert len(refused) == N - 4 and all("최대 99개" in m for m in refused)
    assert _lines(member_id) == [(product_id, 99)]


def test_racing_adds_never_pass_the_stock(app):
    member = make_member()
    product = make_product(stock=5, title="한정판 컵")
    member_id, product_id = member.id, product.id
    db.session.remove()

    results = race(app, [lambda: cart.add(member_id, product_id, 1)] * N)

    assert errors(results, cart.CartError) == []
    refused = [str(r) for r in results if isinstance(r, cart.CartError)]
    assert len(refused) == N - 5 and all("재고가 5개뿐입니다" in m for m in refused)
    assert _lines(member_id) == [(product_id, 5)]


def test_quantity_change_of_a_line_removed_meanwhile_is_refused_not_a_500(app):
    member = make_member()
    product = make_product(stock=10)
    cart.add(member.id, product.id, 1)
    member_id, product_id = member.id, product.id
    db.session.remove()

    results = race(app, [lambda: cart.remove(member_id, product_id),
                         lambda: cart.set_quantity(member_id, product_id, 3)])

    assert errors(results, cart.CartError) == []  # the change finds no line: a message, not a 500
    assert results[0] is True and _lines(member_id) == []
