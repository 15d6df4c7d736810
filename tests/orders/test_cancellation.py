"""Cancellation before shipment, 청약철회 after delivery, refund deadlines."""
import datetime as dt

import pytest

from sentem import clock
from sentem.extensions import db
from sentem.orders import cancellation
from sentem.clock import add_business_days
from sentem.orders.cancellation import CancelRefused
from sentem.orders.gateways.testgateway import TestGatewayCharge
from sentem.orders.jobs import payment_recovery_job, refund_deadline_job
from sentem.orders.models import Cancellation, Order
from sentem.orders.services import transition
from sentem.shop.models import Product
from tests.builders import login_as, make_member
from tests.orders.builders import make_paid_order


def _deliver(order):
    for status in ("preparing", "shipped", "delivered"):
        transition(order, status, actor="staff:1")
    db.session.commit()


def test_business_days_skip_weekends():
    assert add_business_days(dt.date(2026, 11, 27), 3) == dt.date(2026, 12, 2)  # Fri → Wed
    assert add_business_days(dt.date(2026, 11, 28), 3) == dt.date(2026, 12, 2)  # Sat → Wed
    assert add_business_days(dt.date(2026, 11, 30), 3) == dt.date(2026, 12, 3)  # Mon → Thu


def test_cancel_before_shipment_refunds_at_once(client):
    member = make_member()
    login_as(client, member)
    order = make_paid_order(member, quantity=2, stock=5)
    resp = client.post(f"/orders/{order.order_no}/cancel", data={"reason": "wrong_order"}, follow_redirects=True)
    assert "환불했습니다" in resp.get_data(as_text=True)
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.status == "cancelled" and order.cancelled_at is not None
    record = order.cancellations[0]
    assert (record.kind, record.status, record.refund_amount) == ("cancel", "refunded", order.total_amount)
    assert order.payments[0].status == "refunded" and order.payments[0].refunded_amount == order.total_amount
    assert TestGatewayCharge.query.one().status == "cancelled"
    assert db.session.get(Product, order.lines[0].product_id).stock == 5
    # A second cancel is refused, nothing refunded twice.
    again = client.post(f"/orders/{order.order_no}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "이미 취소되었습니다" in again
    assert Cancellation.query.count() == 1


def test_cancel_after_shipment_is_refused(app):
    order = make_paid_order(make_member())
    transition(order, "preparing", actor="staff:1")
    transition(order, "shipped", actor="staff:1")
    db.session.commit()
    with pytest.raises(CancelRefused, match="이미 발송"):
        cancellation.cancel(order, actor="member:1")
    assert order.status == "shipped"


def test_return_within_window_then_received_then_refunded(app):
    member = make_member()
    order = make_paid_order(member)
    _deliver(order)
    clock.advance(days=7)  # still within 7 days (KST dates)
    record = cancellation.request_return(order, actor=f"member:{member.id}", reason_code="defective")
    assert order.status == "return_requested" and record.status == "requested"
    record = cancellation.mark_received(order, actor="staff:2")
    assert order.status == "returned" and record.refund_due_on == add_business_days(clock.today(), 3)
    assert cancellation.refund_return(order, actor="staff:2")
    assert order.status == "refunded" and record.status == "refunded"
    assert [e.to_status for e in order.events][-3:] == ["return_requested", "returned", "refunded"]
    assert [e.actor for e in order.events][-3:] == [f"member:{member.id}", "staff:2", "staff:2"]


def test_return_after_window_refused(app):
    order = make_paid_order(make_member())
    _deliver(order)  # Sat 28 Nov: the 7 days end Sat 5 Dec, so the window runs to Mon 7 Dec (민법 제161조)
    assert cancellation.return_deadline(order) == dt.date(2026, 12, 7)
    clock.advance(days=10)  # Tue 8 Dec
    with pytest.raises(CancelRefused, match="기간"):
        cancellation.request_return(order, actor="member:1")


def test_overdue_refund_is_flagged_by_the_job(app):
    order = make_paid_order(make_member())
    _deliver(order)
    cancellation.request_return(order, actor="member:1")
    record = cancellation.mark_received(order, actor="staff:2")
    assert refund_deadline_job()["overdue_refunds"] == 0
    clock.advance(days=6)  # Sat 28 → Fri 4 Dec, past the due Wed 2 Dec
    result = refund_deadline_job()
    assert result["overdue_refunds"] == 1
    db.session.expire_all()
    assert db.session.get(Cancellation, record.id).overdue_flagged_at is not None


def test_job_recovers_stale_pending_payments(app):
    from tests.orders.builders import checkout, make_product

    member = make_member()
    result = checkout(member, [(make_product(stock=3), 1)], outcome="timeout")
    assert result.outcome == "unknown"
    clock.advance(minutes=31)
    assert payment_recovery_job()["recovered_payments"] == 1
    db.session.expire_all()
    assert db.session.get(Order, result.order.id).status == "paid"


def test_a_form_left_open_expires_and_unused_token_rows_are_purged(app):
    from sentem.orders.checkout import CheckoutError, issue_token, place_order
    from sentem.orders.models import CheckoutToken
    from sentem.shop import cart
    from tests.orders.builders import DELIVERY, make_product

    member = make_member()
    cart.add(member.id, make_product().id, 1)
    token = issue_token(member.id)
    assert CheckoutToken.query.count() == 0  # showing the form writes nothing
    clock.advance(hours=25)
    with pytest.raises(CheckoutError, match="만료"):
        place_order(member, token=token, delivery=dict(DELIVERY), payment_method="test")
    assert Order.query.count() == 0 and CheckoutToken.query.count() == 0
    # Rows of forms never submitted, as an earlier version wrote them, still go after a day.
    db.session.add(CheckoutToken(token="issued-by-an-earlier-version", member_id=member.id, issued_at=clock.now()))
    db.session.commit()
    assert refund_deadline_job()["purged_tokens"] == 0
    clock.advance(hours=25)
    assert refund_deadline_job()["purged_tokens"] == 1
    assert CheckoutToken.query.count() == 0
