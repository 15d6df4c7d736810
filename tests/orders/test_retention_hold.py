"""A dispute hold keeps an order past its 5 years; once released, the next sweep destroys it."""
import datetime as dt

import pytest
from sqlalchemy import select

from sentem import clock
from sentem.extensions import db
from sentem.orders.models import Order, OrderLine, Payment
from sentem.orders.services import transition
from sentem.privacy.retention import archive, services
from sentem.privacy.retention.models import ArchivedRecord, DestructionLedger
from sentem.privacy.retention.sweep import sweep
from tests.builders import make_member
from tests.orders.builders import make_paid_order


def _completed_order(member):
    order = make_paid_order(member)
    for status in ("preparing", "shipped", "delivered", "completed"):
        transition(order, status, actor="staff:1")
    db.session.commit()
    return order


def _orders_left() -> set[str]:
    db.session.expire_all()
    return set(db.session.execute(select(Order.order_no)).scalars())


def _expired_orders_in_ledger(since: dt.datetime) -> int:
    rows = db.session.execute(select(DestructionLedger).filter_by(record_class="orders", action="expire")).scalars()
    return sum(r.count for r in rows if clock.as_utc(r.at) >= since)


def test_held_order_survives_its_five_years_and_goes_once_released(app):
    member = make_member()  # never withdraws
    disputed = _completed_order(member)
    _completed_order(member)  # an undisputed order of the same day, for comparison
    disputed_no, disputed_id = disputed.order_no, disputed.id
    services.place_hold("orders", disputed_no, "소비자 분쟁 조정 중")

    clock.freeze(clock.add_years(clock.now(), 5) + dt.timedelta(days=10))  # both orders' 5 years are over
    summary = sweep()
    assert summary.counts[("orders", "expire")] == 1
    assert _orders_left() == {disputed_no}
    assert db.session.execute(select(Payment).filter_by(order_id=disputed_id)).first() is not None
    assert db.session.execute(select(OrderLine).filter_by(order_id=disputed_id)).first() is not None
    clock.advance(days=30)
    sweep()
    assert _orders_left() == {disputed_no}  # still held a month later
    assert services.overdue_count() == 0  # a hold is visible, not an overdue duty

    released_at = clock.now()
    services.release_hold(services.active_holds("orders")[0].id)
    clock.advance(hours=1)  # the next hourly sweep
    summary = sweep()
    assert summary.counts[("orders", "expire")] == 1
    assert _orders_left() == set()
    assert db.session.execute(select(Payment).filter_by(order_id=disputed_id)).first() is None
    assert clock.now() - released_at <= dt.timedelta(days=5)
    assert _expired_orders_in_ledger(released_at) == 1


def test_a_hold_on_the_payment_record_keeps_the_order_it_hangs_off(app):
    member = make_member()
    order = _completed_order(member)
    services.place_hold("payments", order.order_no, "결제 분쟁")
    clock.freeze(clock.add_years(clock.now(), 6))
    sweep()
    assert _orders_left() == {order.order_no}
    assert db.session.execute(select(Payment).filter_by(order_id=order.id)).first() is not None


def test_held_order_past_its_period_at_withdrawal_is_archived_not_destroyed(app):
    member = make_member()
    order = _completed_order(member)
    order_no = order.order_no
    services.place_hold("orders", order_no, "소비자 분쟁 조정 중")
    clock.freeze(clock.add_years(clock.now(), 5) + dt.timedelta(days=3))
    member.status = "withdrawal_pending"
    services.schedule_withdrawal(member.id)
    db.session.commit()
    sweep()
    assert _orders_left() == set()  # the member is gone from the main database
    (kept,) = [r for r in archive.lookup(order_no) if r.record_class == "orders"]
    assert kept.hold_reason == "소비자 분쟁 조정 중"
    assert archive.read_payload(kept)["주문번호"] == order_no
    # the dispute names the order: its delivery record, archived beside it, is held too
    (shipped,) = [r for r in archive.lookup(order_no) if r.record_class == "delivery"]
    assert shipped.hold_reason == "소비자 분쟁 조정 중"

    services.release_hold(services.active_holds("orders")[0].id)
    clock.advance(hours=1)
    summary = sweep()
    assert summary.counts[("orders", "archive_destroy")] == 1
    assert summary.counts[("delivery", "archive_destroy")] == 1
    assert db.session.execute(select(ArchivedRecord).filter_by(order_no=order_no)).first() is None


def test_holds_name_records_by_order_number_only_where_records_have_one(app):
    with pytest.raises(ValueError, match="보류할 수 있는"):
        services.place_hold("login_history", "A-1", "분쟁")
    with pytest.raises(ValueError, match="보류할 수 있는"):
        services.place_hold("no_such_class", "A-1", "분쟁")
    assert services.place_hold("delivery", "A-1", "분쟁").ref == "A-1"
