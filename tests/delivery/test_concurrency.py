"""Shipping and returns under races: staff double clicks and double-submitted return forms.

Each racing thread reads the order first (its own session), then all act at once; exactly
one changes anything, the others are told why in Korean. SQLite and PostgreSQL alike.
"""
from sentem.accounts.models import Member
from sentem.delivery import shipping
from sentem.delivery.models import ReturnPickup, Shipment, ShipmentEvent
from sentem.extensions import db
from sentem.myinfo import withdrawal
from sentem.notify import outbox
from sentem.orders import cancellation
from sentem.orders.cancellation import CancelRefused
from sentem.orders.models import Cancellation, OrderEvent
from sentem.orders.services import find
from tests.builders import PASSWORD, make_member
from tests.delivery.builders import STAFF_ACTOR, deliver, ship
from tests.orders.builders import make_paid_order
from tests.races import errors, race

N = 8


def _count(model, **where) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model).filter_by(**where)).scalar_one()


def test_same_order_shipped_by_8_staff_at_once_makes_one_parcel_and_one_notice(app):
    member = make_member()
    order = make_paid_order(member)
    order_no, order_id, member_id = order.order_no, order.id, member.id
    db.session.remove()

    results = race(app, [lambda n=n: shipping.mark_shipped(order_no, "cj", f"11111111111{n}", actor="staff:9")
                         for n in range(N)])

    assert errors(results, shipping.ShippingError) == []
    assert sum(isinstance(r, Shipment) for r in results) == 1
    assert _count(Shipment, order_id=order_id) == 1
    assert _count(OrderEvent, order_id=order_id, to_status="shipped") == 1
    assert _count(OrderEvent, order_id=order_id, to_status="preparing") == 1
    assert len(outbox.messages(channel="email", category="delivery", member_id=member_id)) == 1


def test_delivered_racing_a_failed_delivery_records_one_of_them(app):
    order = make_paid_order(make_member())
    ship(order)
    order_no, order_id = order.order_no, order.id
    db.session.remove()

    results = race(app, [lambda: shipping.mark_delivered(order_no, actor="staff:1"),
                         lambda: shipping.record_failure(order_no, "absent", actor="staff:2")] * (N // 2))

    assert errors(results, shipping.ShippingError) == []
    assert sum(isinstance(r, Shipment) for r in results) == 1
    parcel = db.session.execute(db.select(Shipment).filter_by(order_id=order_id)).scalar_one()
    order = find(order_no)
    if parcel.status == "delivered":
        assert order.status == "delivered" and _count(ShipmentEvent, order_id=order_id, kind="failed") == 0
    else:
        assert parcel.status == "failed" and order.status == "shipped"
        assert _count(ShipmentEvent, order_id=order_id, kind="delivered") == 0


def test_return_form_submitted_8_times_makes_one_return_and_withdrawal_stays_possible(app):
    member = make_member()
    order = make_paid_order(member)
    deliver(order)
    order_no, order_id, member_id = order.order_no, order.id, member.id
    db.session.remove()

    results = race(app, [lambda o: cancellation.request_return(o, actor=f"member:{member_id}")] * N,
                   prepare=lambda: find(order_no))

    assert errors(results, CancelRefused) == []
    assert sum(isinstance(r, Cancellation) for r in results) == 1
    assert all("이미 반품" in r.message for r in results if isinstance(r, CancelRefused))
    assert _count(Cancellation, order_id=order_id, kind="return") == 1
    assert _count(ReturnPickup, order_id=order_id) == 1
    assert _count(ShipmentEvent, order_id=order_id, kind="return_requested") == 1
    assert _count(OrderEvent, order_id=order_id, to_status="return_requested") == 1
    # The return runs its course, and nothing is left "requested" to block the withdrawal.
    order = find(order_no)
    shipping.mark_return_picked_up(order_no, "cj", "555566667777", actor=STAFF_ACTOR)
    cancellation.mark_received(order, actor=STAFF_ACTOR)
    assert cancellation.refund_return(order, actor=STAFF_ACTOR)
    member = db.session.get(Member, member_id)
    assert withdrawal.withdraw(member, PASSWORD, "yes") == "withdrawn"


def test_return_received_by_8_staff_at_once_is_received_once(app):
    member = make_member()
    order = make_paid_order(member)
    deliver(order)
    cancellation.request_return(order, actor=f"member:{member.id}")
    order_no, order_id = order.order_no, order.id
    db.session.remove()

    results = race(app, [lambda o: cancellation.mark_received(o, actor=STAFF_ACTOR)] * N,
                   prepare=lambda: find(order_no))

    assert errors(results, CancelRefused) == []
    assert sum(isinstance(r, Cancellation) for r in results) == 1
    assert _count(OrderEvent, order_id=order_id, to_status="returned") == 1
    assert [c.status for c in find(order_no).cancellations] == ["received"]


def test_return_pickup_collected_8_times_at_once_is_collected_once(app):
    member = make_member()
    order = make_paid_order(member)
    deliver(order)
    cancellation.request_return(order, actor=f"member:{member.id}")
    order_no, order_id = order.order_no, order.id
    db.session.remove()

    results = race(app, [lambda n=n: shipping.mark_return_picked_up(order_no, "cj", f"55556666777{n}",
                                                                     actor=STAFF_ACTOR) for n in range(N)])

    assert errors(results, shipping.ShippingError) == []
    assert sum(isinstance(r, ReturnPickup) for r in results) == 1
    assert _count(ShipmentEvent, order_id=order_id, kind="return_picked_up") == 1
