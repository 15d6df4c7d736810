"""Order state changes under races: each racing request either wins whole or changes nothing.

The attacks of issue 14, repeated: one cancel form submitted 8 times at once (over HTTP,
against the app on a threaded loopback server), a member's cancel racing staff's
"shipped", a refund clicked many times, the member's 결제 확인 racing the recovery job.
Every thread reads the order first (the stale read that doubled the old changes), then
all act at once. Runs on SQLite and, with the suite's PostgreSQL settings, on PostgreSQL.
"""
from __future__ import annotations

from sentem import clock
from sentem.delivery import shipping
from sentem.delivery.models import Shipment
from sentem.extensions import db
from sentem.notify import outbox
from sentem.orders import cancellation, payment_refunds, payments, refunds
from sentem.orders.cancellation import CancelRefused
from sentem.orders.gateways.testgateway import TestGatewayCharge
from sentem.orders.jobs import refund_deadline_job
from sentem.orders.models import Cancellation, Order, OrderEvent, Payment, PaymentEvent
from sentem.orders.services import find, transition
from sentem.shop.models import Product
from tests.builders import PASSWORD, make_member
from tests.orders.builders import checkout, make_paid_order, make_product
from tests.races import LiveClient, errors, race

N = 8


def _count(model, **where) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model).filter_by(**where)).scalar_one()


def _events(order_id: int, to_status: str) -> int:
    return _count(OrderEvent, order_id=order_id, to_status=to_status)


def _assert_cancelled_once(order_no: str, product_id: int, stock_before: int) -> None:
    """One cancellation, stock given back once, refunded exactly what was paid (ledger and gateway)."""
    order = find(order_no)
    payment = order.payments[0]
    charge = db.session.execute(db.select(TestGatewayCharge).filter_by(ref=payment.gateway_ref)).scalar_one()
    assert order.status == "cancelled"
    assert _count(Cancellation, order_id=order.id) == 1
    assert _events(order.id, "cancelled") == 1
    assert db.session.get(Product, product_id).stock == stock_before
    assert payment.refunded_amount == payment.amount == order.total_amount
    assert charge.cancelled_amount == payment.amount
    refunded_events = [e for e in payment.events if e.detail == "환불"]
    assert [e.amount for e in refunded_events] == [payment.amount]


def test_one_cancel_form_submitted_8_times_over_http_cancels_once(app, live_server):
    member = make_member()
    product = make_product(price=11000, stock=100)
    order = make_paid_order(member, quantity=3, product=product)
    assert order.total_amount == 36000 and db.session.get(Product, product.id).stock == 97
    order_no, product_id = order.order_no, product.id
    browser = LiveClient(live_server)
    browser.login(member.login_id, PASSWORD)
    form = {"csrf_token": browser.csrf(f"/orders/{order_no}"), "reason": "wrong_order"}
    db.session.remove()

    replies = race(app, [lambda: browser.request("POST", f"/orders/{order_no}/cancel", form)] * N)

    assert errors(replies) == []
    assert [r.status for r in replies] == [302] * N  # never a 500
    assert all(r.location.endswith(f"/orders/{order_no}") for r in replies)
    _assert_cancelled_once(order_no, product_id, 100)
    # Each submit's own answer (its flash, in the cookie it got back): one refund, seven refusals.
    pages = [browser.request("GET", f"/orders/{order_no}", cookies={**browser.cookies, **r.cookies}).body
             for r in replies]
    assert sum("36,000원을 환불했습니다" in p for p in pages) == 1
    assert sum("이미 취소되었습니다" in p for p in pages) == N - 1


def test_parallel_cancels_with_stale_reads_cancel_once_and_tell_the_others(app):
    member = make_member()
    product = make_product(stock=10)
    order = make_paid_order(member, quantity=2, product=product)
    order_no, product_id, actor = order.order_no, product.id, f"member:{member.id}"
    db.session.remove()

    def read():
        stale = find(order_no)
        assert stale.status == "paid" and stale.lines  # read before anyone acts
        return stale

    results = race(app, [lambda o: cancellation.cancel(o, actor=actor)] * N, prepare=read)

    assert errors(results, CancelRefused) == []
    assert sum(isinstance(r, Cancellation) for r in results) == 1
    refusals = [r.message for r in results if isinstance(r, CancelRefused)]
    assert len(refusals) == N - 1 and all("이미 취소되었습니다" in m for m in refusals)
    _assert_cancelled_once(order_no, product_id, 10)


def test_member_cancel_racing_staff_shipped_ends_one_way_or_the_other(app):
    member = make_member()
    product = make_product(stock=50)
    order_nos = [make_paid_order(member, product=product).order_no for _ in range(4)]
    member_id, product_id = member.id, product.id
    db.session.remove()
    outcomes = []
    for i, order_no in enumerate(order_nos):
        results = race(app, [
            lambda o: cancellation.cancel(o, actor=f"member:{member_id}"),
            lambda o, n=i: shipping.mark_shipped(o.order_no, "cj", f"55555555555{n}", actor="staff:9"),
        ], prepare=lambda no=order_no: find(no))
        assert errors(results, CancelRefused, shipping.ShippingError) == []
        cancelled, shipped = (not isinstance(r, Exception) for r in results)
        assert cancelled != shipped, results  # exactly one of the two happened
        loser = results[1] if cancelled else results[0]
        message = str(getattr(loser, "message", loser))  # told why in Korean, not a 500
        assert "발송되어 취소할 수 없습니다" in message or "(지금: 주문 취소)" in message
        order = find(order_no)
        parcels = _count(Shipment, order_id=order.id)
        notices = [m for m in outbox.messages(channel="email", category="delivery", member_id=member_id)
                   if order_no in m["body"]]
        payment = order.payments[0]
        if cancelled:
            assert (order.status, parcels, len(notices)) == ("cancelled", 0, 0)
            assert _events(order.id, "shipped") == 0 and payment.refunded_amount == payment.amount
        else:
            assert (order.status, parcels, len(notices)) == ("shipped", 1, 1)
            assert _count(Cancellation, order_id=order.id) == 0 and payment.refunded_amount == 0
        outcomes.append(order.status)
    # Stock: 4 taken; exactly the cancelled ones came back.
    assert db.session.get(Product, product_id).stock == 50 - outcomes.count("shipped")


def _received_return(member) -> str:
    order = make_paid_order(member)
    for status in ("preparing", "shipped", "delivered"):
        transition(order, status, actor="staff:1")
    db.session.commit()
    cancellation.request_return(order, actor=f"member:{member.id}")
    cancellation.mark_received(order, actor="staff:2")
    return order.order_no


def test_refund_of_a_return_clicked_8_times_refunds_once(app):
    member = make_member()
    order_no = _received_return(member)
    db.session.remove()

    results = race(app, [lambda o: cancellation.refund_return(o, actor="staff:2")] * N,
                   prepare=lambda: find(order_no))

    assert errors(results, CancelRefused) == []
    assert results.count(True) == 1
    assert all("이미 처리" in r.message for r in results if isinstance(r, CancelRefused))
    order = find(order_no)
    payment = order.payments[0]
    charge = db.session.execute(db.select(TestGatewayCharge).filter_by(ref=payment.gateway_ref)).scalar_one()
    assert order.status == "refunded" and _events(order.id, "refunded") == 1
    assert [c.status for c in order.cancellations] == ["refunded"]
    assert payment.refunded_amount == payment.amount == charge.cancelled_amount
    assert _count(PaymentEvent, payment_id=payment.id, status="refund_requested") == 1


def test_staff_retry_racing_the_retry_job_refunds_a_failed_cancellation_once(app):
    member = make_member()
    order = make_paid_order(member)
    app.config["SENTEM_TEST_GATEWAY_OUTAGE"] = True  # the refund fails: the cancellation waits
    record = cancellation.cancel(order, actor=f"member:{member.id}")
    app.config["SENTEM_TEST_GATEWAY_OUTAGE"] = False
    assert record.status == "failed"
    order_no = order.order_no
    db.session.remove()

    def staff(o):
        return cancellation.retry_refund(o, actor="staff:2")

    results = race(app, [staff, lambda _o: cancellation.retry_failed_refunds()] * (N // 2),
                   prepare=lambda: find(order_no))

    assert errors(results, CancelRefused) == []
    assert sum(int(r) for r in results if not isinstance(r, Exception)) == 1  # one refund, all told
    order = find(order_no)
    payment = order.payments[0]
    assert [c.status for c in order.cancellations] == ["refunded"]
    assert payment.refunded_amount == payment.amount


def test_the_refund_ledger_never_exceeds_the_payment(app):
    order = make_paid_order(make_member())
    payment_id, amount = order.payments[0].id, order.payments[0].amount
    db.session.remove()

    def refund_in_full(payment):
        won = payment_refunds.record_refund(payment, amount)
        db.session.commit()
        return won

    results = race(app, [refund_in_full] * N, prepare=lambda: db.session.get(Payment, payment_id))
    assert errors(results) == [] and results.count(True) == 1

    payment = db.session.get(Payment, payment_id)
    assert payment.refunded_amount == amount and payment.status == "refunded"
    assert payment_refunds.record_refund(payment, 1) is False  # not even one won more
    db.session.commit()
    assert db.session.get(Payment, payment_id).refunded_amount == amount


def test_lost_payment_answer_learned_by_many_at_once_is_recorded_once(app):
    member = make_member()
    product = make_product(stock=5)
    result = checkout(member, [(product, 1)], outcome="timeout")  # charged, answer lost
    assert result.outcome == "unknown"
    order_no, product_id = result.order.order_no, product.id
    db.session.remove()

    results = race(app, [lambda o: payments.recover(o, actor="system:payment-recovery")] * N,
                   prepare=lambda: find(order_no))

    assert errors(results) == [] and {r.outcome for r in results} == {"paid"}
    order = find(order_no)
    assert order.status == "paid" and _events(order.id, "paid") == 1
    assert _count(PaymentEvent, payment_id=order.payments[0].id, status="approved") == 1
    assert db.session.get(Product, product_id).stock == 4


def test_member_cancel_racing_the_recovery_of_a_lost_answer(app):
    member = make_member()
    product = make_product(stock=5)
    result = checkout(member, [(product, 1)], outcome="timeout")
    order_no, product_id, actor = result.order.order_no, product.id, f"member:{member.id}"
    db.session.remove()

    results = race(app, [lambda o: cancellation.cancel(o, actor=actor),
                         lambda o: payments.recover(o, actor="system:payment-recovery")] * (N // 2),
                   prepare=lambda: find(order_no))

    assert errors(results, CancelRefused) == []
    assert sum(isinstance(r, Cancellation) for r in results) == 1
    _assert_cancelled_once(order_no, product_id, 5)


def test_an_approval_arriving_after_the_order_was_given_up_is_cancelled_at_the_gateway(app):
    product = make_product(stock=5)
    result = checkout(make_member(), [(product, 1)], outcome="error")  # nothing charged, no answer
    order = result.order
    assert payments.recover(order, actor="system:payment-recovery").outcome == "declined"
    assert db.session.get(Product, product.id).stock == 5

    late = payments.settle(order, order.payments[0], {"test_outcome": "approve"}, actor="system")

    assert late.outcome == "declined" and "취소" in late.message
    order = db.session.get(Order, order.id)
    charge = db.session.execute(db.select(TestGatewayCharge)
                                .filter_by(attempt_key=order.payments[0].attempt_key)).scalar_one()
    assert order.status == "cancelled" and order.payments[0].status == "failed"
    assert charge.cancelled_amount == charge.amount  # the late charge was given back at once
    assert db.session.get(Product, product.id).stock == 5  # released once, not twice


def test_a_refund_claim_cut_off_mid_call_is_handed_back_and_refunded_once(app):
    order = make_paid_order(make_member())
    app.config["SENTEM_TEST_GATEWAY_OUTAGE"] = True
    record = cancellation.cancel(order, actor="member:1")
    app.config["SENTEM_TEST_GATEWAY_OUTAGE"] = False
    assert refunds.claim(record, ("failed",), "staff:2")  # ...and the process died before asking the gateway
    assert refund_deadline_job()["retried_refunds"] == 0  # a fresh claim is somebody's work in progress
    clock.advance(minutes=11)
    assert refund_deadline_job()["retried_refunds"] == 1
    assert refund_deadline_job()["retried_refunds"] == 0
    db.session.expire_all()
    payment = db.session.get(Order, order.id).payments[0]
    assert db.session.get(Cancellation, record.id).status == "refunded"
    assert payment.refunded_amount == payment.amount
