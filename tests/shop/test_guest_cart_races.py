"""Guest carts under races: two logins with the same cookie move its lines once."""
from sentem.extensions import db
from sentem.shop import cart, cart_guest
from sentem.shop.cart_models import GuestCart, GuestCartItem
from sentem.shop.models import CartItem
from tests.builders import make_member
from tests.orders.builders import make_product
from tests.races import errors, race

N = 8


def _lines(member_id: int) -> list[tuple[int, int]]:
    return sorted((i.product_id, i.quantity) for i in
                  db.session.execute(db.select(CartItem).filter_by(member_id=member_id)).scalars())


def test_8_simultaneous_merges_of_one_guest_cart_move_it_once(app):
    member = make_member()
    mug, cup = make_product(stock=50), make_product(stock=50)
    _line, token = cart_guest.add(None, mug.id, 3)
    cart_guest.add(token, cup.id, 2)
    member_id, ids = member.id, (mug.id, cup.id)
    db.session.remove()

    moved = race(app, [lambda: cart_guest.merge(token, member_id)] * N)

    assert errors(moved) == []
    assert sorted(moved) == [0] * (N - 1) + [2]
    assert _lines(member_id) == sorted([(ids[0], 3), (ids[1], 2)])
    assert GuestCart.query.count() == 0 and GuestCartItem.query.count() == 0


def test_merges_racing_member_adds_never_pass_the_stock(app):
    member = make_member()
    product = make_product(stock=6)
    tokens = [cart_guest.add(None, product.id, 2)[1] for _ in range(N)]
    member_id, product_id = member.id, product.id
    db.session.remove()

    results = race(app, [lambda t=t: cart_guest.merge(t, member_id) for t in tokens]
                   + [lambda: cart.add(member_id, product_id, 1)] * 2)

    assert errors(results, cart.CartError) == []
    assert _lines(member_id) == [(product_id, 6)]
