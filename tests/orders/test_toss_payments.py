"""Toss Payments through the sandbox over real HTTP: confirm, decline, tampering, double confirm,
timeouts settled by reconciliation, cancels and partial refunds, refunds retried with one key."""
import datetime as _dt
import time

import pytest

from sentem import clock
from sentem.extensions import db
from sentem.security import aead
from sentem.orders import cancellation, jobs, pgflow
from sentem.orders.models import Order, Payment
from sentem.shop import cart
from sentem.shop.models import Product
from tests.builders import make_member
from tests.orders.builders import make_product
from tests.orders.toss_flow import come_back, pay, query, to_window


def _reload(order_id: int) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order_id)


def test_window_approve_then_confirm_pays_once_and_keeps_the_payment_record(app, toss):
    member = make_member()
    mug = make_product(price=12000, stock=5)
    order, url = to_window(member, [(mug, 2)])
    assert order.status == "pending_payment" and db.session.get(Product, mug.id).stock == 3
    params = query(url)  # what leaves the shop: the attempt, the amount, an order name; nothing personal
    assert set(params) == {"clientKey", "orderId", "amount", "orderName", "successUrl", "failUrl"}
    assert params["orderId"] == f"{order.order_no}-1" and params["amount"] == "27000"
    assert params["orderName"] == mug.title
    assert toss.ledger.confirm_calls == 0  # nothing is confirmed before the buyer comes back

    result = come_back(member, toss.decide(url))
    assert result.outcome == "paid"
    order = _reload(order.id)
    payment = order.latest_payment
    pg = toss.ledger.get_by_order(payment.attempt_key)
    assert order.status == "paid" and pg.status == "DONE" and toss.ledger.confirm_calls == 1
    assert payment.gateway_ref == pg.payment_key and payment.approval_no == pg.approve_no
    stored = db.session.execute(db.text("SELECT gateway_ref_ct, approval_no_ct FROM payments WHERE id = :id"),
                                {"id": payment.id}).one()  # both lead back to the buyer: sealed
    assert pg.payment_key not in stored[0] and pg.approve_no not in stored[1]
    # under the day key of its end (and the member's key): ``x<day key>.k<member key>``
    assert aead.key_id(stored[0]).startswith("x") and aead.key_id(stored[1]).startswith("x")
    assert cart.items(member.id) == []


def test_tampered_amount_is_refused_without_confirming(app, toss):
    member = make_member()
    mug = make_product(price=12000, stock=5)
    order, url = to_window(member, [(mug, 1)])
    location = toss.decide(url).replace("amount=15000", "amount=100")
    q = query(location)
    assert q["amount"] == "100"
    with pytest.raises(pgflow.FlowError, match="결제 금액이 주문 금액과 달라"):
        pgflow.on_success(member.id, payment_key=q["paymentKey"], order_id=q["orderId"], amount=q["amount"],
                          actor="member")
    assert toss.ledger.confirm_calls == 0  # the PG was never asked
    assert toss.ledger.get(q["paymentKey"]).status == "IN_PROGRESS"
    order = _reload(order.id)
    assert order.status == "cancelled" and order.latest_payment.status == "declined"
    assert db.session.get(Product, mug.id).stock == 5
    assert [(i.product_id, i.quantity) for i in cart.items(member.id)] == [(mug.id, 1)]  # the cart is back


def test_someone_elses_attempt_is_not_found(app, toss):
    buyer, other = make_member(), make_member()
    order, url = to_window(buyer, [(make_product(), 1)])
    q = query(toss.decide(url))
    with pytest.raises(pgflow.FlowError, match="결제 정보를 찾을 수 없습니다"):
        pgflow.on_success(other.id, payment_key=q["paymentKey"], order_id=q["orderId"], amount=q["amount"],
                          actor="member")
    assert toss.ledger.confirm_calls == 0 and _reload(order.id).status == "pending_payment"


@pytest.mark.parametrize("action,code,said", [("decline", "REJECT_CARD_PAYMENT", "카드사에서 결제를 거절했습니다"),
                                              ("close", "PAY_PROCESS_CANCELED", "결제창을 닫아")])
def test_decline_or_close_fails_the_order_and_keeps_the_cart(app, toss, action, code, said):
    member = make_member()
    mug = make_product(price=12000, stock=5)
    order, url = to_window(member, [(mug, 2)])
    q = query(toss.decide(url, action))
    assert q["code"] == code
    failed, message = pgflow.on_fail(member.id, order_id=q["orderId"], code=q["code"], actor="member")
    assert said in message
    order = _reload(order.id)
    assert order.status == "cancelled" and order.latest_payment.status == "declined"
    assert db.session.get(Product, mug.id).stock == 5
    assert [(i.product_id, i.quantity) for i in cart.items(member.id)] == [(mug.id, 2)]


def test_double_confirm_charges_once(app, toss):
    member = make_member()
    order, url = to_window(member, [(make_product(price=10000), 1)])
    location = toss.decide(url)
    assert come_back(member, location).outcome == "paid"
    with pytest.raises(pgflow.FlowError, match="이미 처리된 결제"):  # the same success URL again (reload)
        come_back(member, location)
    # The PG itself: the same Idempotency-Key answers the first result, a new key is refused.
    payment = _reload(order.id).latest_payment
    body = {"paymentKey": payment.gateway_ref, "orderId": payment.attempt_key, "amount": payment.amount}
    assert toss.call("POST", "/v1/payments/confirm", body, idempotency_key=payment.attempt_key)[1]["status"] == "DONE"
    status, answer = toss.call("POST", "/v1/payments/confirm", body, idempotency_key="another")
    assert (status, answer["code"]) == (400, "ALREADY_PROCESSED_PAYMENT")
    assert toss.ledger.get(payment.gateway_ref).balance == 13000  # charged once: 10,000 + 3,000 delivery


def test_pg_timeout_after_approval_is_settled_by_reconciliation(app, toss):
    member = make_member()
    mug = make_product(price=20000, stock=5)
    order, url = to_window(member, [(mug, 1)])
    toss.switch(timeout_after_approval=1, hang=4)  # approves, then answers after the shop gave up (2 s)
    result = come_back(member, toss.decide(url))
    assert result.outcome == "unknown" and "결제 결과를 아직 확인하지 못했습니다" in result.message
    order = _reload(order.id)
    assert order.status == "pending_payment" and order.latest_payment.status == "unknown"
    assert toss.ledger.get_by_order(order.latest_payment.attempt_key).status == "DONE"  # the PG did charge

    clock.freeze(clock.now() + _dt.timedelta(minutes=29))
    jobs.payment_recovery_job()
    assert _reload(order.id).status == "pending_payment"  # not yet 30 minutes
    clock.freeze(clock.now() + _dt.timedelta(minutes=2))
    assert jobs.payment_recovery_job()["recovered_payments"] == 1
    order = _reload(order.id)
    assert order.status == "paid" and order.latest_payment.status == "approved"
    assert db.session.get(Product, mug.id).stock == 4
    assert jobs.payment_recovery_job()["recovered_payments"] == 0  # settled once


def test_reconciliation_expires_an_attempt_the_buyer_left_in_the_window(app, toss):
    member = make_member()
    mug = make_product(price=20000, stock=5)
    left, url = to_window(member, [(mug, 2)])
    toss.decide(url)  # approved in the window, but the browser never came back
    clock.freeze(clock.now() + _dt.timedelta(minutes=31))
    assert jobs.payment_recovery_job()["recovered_payments"] == 1
    order = _reload(left.id)
    assert order.status == "cancelled" and order.latest_payment.status == "declined"
    assert db.session.get(Product, mug.id).stock == 5
    assert [(i.product_id, i.quantity) for i in cart.items(member.id)] == [(mug.id, 2)]
    assert toss.ledger.confirm_calls == 0  # never confirmed, so never charged


def test_cancel_of_a_done_payment_refunds_it_at_the_pg(app, toss):
    member = make_member()
    order = pay(member, toss, [(make_product(price=30000, stock=3), 1)])
    record = cancellation.cancel(order, actor=f"member:{member.id}")
    assert record.status == "refunded" and record.refund_amount == order.total_amount == 33000
    pg = toss.ledger.get(order.latest_payment.gateway_ref)
    assert pg.status == "CANCELED" and pg.balance == 0 and len(pg.cancels) == 1
    assert _reload(order.id).latest_payment.refunded_amount == 33000


def test_partial_refund_of_one_line(app, toss):
    member = make_member()
    mug, tumbler = make_product(price=12000), make_product(price=25000)
    order = pay(member, toss, [(mug, 2), (tumbler, 1)])  # 49,000 + 3,000 delivery
    line = next(x for x in order.lines if x.product_id == tumbler.id)
    record = cancellation.refund_line(order, line.id, actor="staff:1")
    assert record.status == "refunded" and record.refund_amount == 25000
    pg = toss.ledger.get(order.latest_payment.gateway_ref)
    assert pg.status == "PARTIAL_CANCELED" and pg.balance == order.total_amount - 25000
    assert pg.cancels[0]["cancelAmount"] == 25000
    order = _reload(order.id)
    assert order.status == "paid" and order.latest_payment.refunded_amount == 25000
    with pytest.raises(cancellation.CancelRefused, match="이미 부분 환불했습니다"):
        cancellation.refund_line(order, line.id, actor="staff:1")
    assert len(toss.ledger.get(order.latest_payment.gateway_ref).cancels) == 1


def test_a_refund_lost_in_a_timeout_is_retried_with_the_same_key_and_refunds_once(app, toss):
    member = make_member()
    order = pay(member, toss, [(make_product(price=30000), 1)])
    toss.switch(delay=3)  # the PG works slowly: the refund happens after the shop stopped waiting
    record = cancellation.cancel(order, actor=f"member:{member.id}")
    assert record.status == "failed"
    toss.switch(delay=0)
    pg = toss.ledger.get(order.latest_payment.gateway_ref)
    for _ in range(100):  # the slow call finishes at the PG (bounded wait, no timing asserted)
        if pg.status == "CANCELED":
            break
        time.sleep(0.1)
    assert pg.status == "CANCELED"
    assert cancellation.retry_failed_refunds() == 1  # same Idempotency-Key: the PG answers its first result
    assert len(pg.cancels) == 1 and pg.balance == 0
    db.session.refresh(record)
    assert record.status == "refunded" and _reload(order.id).latest_payment.refunded_amount == 33000


def test_refund_failing_three_times_is_flagged_to_staff(app, toss):
    member = make_member()
    order = pay(member, toss, [(make_product(price=30000), 1)])
    toss.switch(fail_500=3)
    record = cancellation.cancel(order, actor=f"member:{member.id}")
    assert record.status == "failed"
    assert cancellation.retry_failed_refunds() == 0
    db.session.refresh(record)
    assert record.refund_failures == 2 and record.refund_flagged_at is None
    assert cancellation.retry_failed_refunds() == 0
    db.session.refresh(record)
    assert record.refund_failures == 3 and record.refund_flagged_at is not None
    assert cancellation.retry_failed_refunds() == 1  # the PG is back: refunded, once
    db.session.refresh(record)
    assert record.status == "refunded"
    assert toss.ledger.get(order.latest_payment.gateway_ref).balance == 0


def test_payment_key_and_approval_number_are_exported(app, toss, client):
    from tests.builders import login_as

    member = make_member()
    order = pay(member, toss, [(make_product(), 1)])
    payment = db.session.get(Payment, order.latest_payment.id)
    login_as(client, member)
    export = client.get("/me/export.json").get_data(as_text=True)
    assert payment.gateway_ref in export and payment.approval_no in export


def test_staff_refund_one_line_then_cancel_the_rest(app, toss, client):
    from tests.admin.builders import make_staff, staff_login

    member = make_member()
    mug, tumbler = make_product(price=12000), make_product(price=25000)
    order = pay(member, toss, [(mug, 2), (tumbler, 1)])  # 49,000 + 3,000 delivery
    line = next(x for x in order.lines if x.product_id == tumbler.id)
    staff_login(client, make_staff(role="order_staff"))
    page = client.get(f"/admin/orders/{order.order_no}").get_data(as_text=True)
    assert "이 상품 부분 환불" in page and order.latest_payment.approval_no in page
    resp = client.post(f"/admin/orders/{order.order_no}/lines/{line.id}/refund", follow_redirects=True)
    assert "25,000원을 부분 환불했습니다" in resp.get_data(as_text=True)
    resp = client.post(f"/admin/orders/{order.order_no}/lines/{line.id}/refund", follow_redirects=True)
    assert "이미 부분 환불했습니다" in resp.get_data(as_text=True)
    order = _reload(order.id)
    record = cancellation.cancel(order, actor="staff:1")
    assert record.status == "refunded" and record.refund_amount == 52000 - 25000
    pg = toss.ledger.get(order.latest_payment.gateway_ref)
    assert pg.status == "CANCELED" and pg.balance == 0 and [c["cancelAmount"] for c in pg.cancels] == [25000, 27000]
    payment = _reload(order.id).latest_payment
    assert payment.refunded_amount == payment.amount == 52000 and payment.status == "refunded"
