"""Order life cycle: allowed edges only, each stamped; the paid-order builder."""
import pytest

from sentem.extensions import db
from sentem.orders.models import Order
from sentem.orders.services import InvalidTransition, transition
from sentem.shop.models import Product
from tests.builders import make_member
from tests.orders.builders import make_paid_order


def test_make_paid_order_takes_stock_and_is_stamped(app):
    member = make_member()
    order = make_paid_order(member, quantity=2, stock=5)
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status == "paid" and order.paid_at is not None
    assert order.member_id == member.id and order.data_key_id == member.data_key_id
    assert db.session.get(Product, order.lines[0].product_id).stock == 3
    assert [(e.from_status, e.to_status) for e in order.events] == [(None, "pending_payment"),
                                                                     ("pending_payment", "paid")]
    assert order.payments[0].status == "approved"
    assert [e.status for e in order.payments[0].events] == ["approved"]


def test_transitions_follow_edges_and_record_actor(app):
    order = make_paid_order(make_member())
    transition(order, "preparing", actor="staff:7", note="포장")
    transition(order, "shipped", actor="staff:7")
    with pytest.raises(InvalidTransition):
        transition(order, "cancelled", actor="member:1")
    transition(order, "delivered", actor="system")
    db.session.commit()
    assert order.status == "delivered" and order.delivered_at is not None and order.shipped_at is not None
    assert order.events[-1].actor == "system"
    assert order.events[2].note == "포장"
    with pytest.raises(InvalidTransition):
        transition(order, "paid", actor="staff:7")
