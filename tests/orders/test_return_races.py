"""Staff "return refused" under races (issue 14): a compare-and-set on the order and the record.

One refusal form submitted 8 times at once over HTTP, refusals racing "return received",
each thread reading the order first (the stale read). Exactly one effect; the others are
told the order was already handled and write nothing. SQLite and PostgreSQL alike.
"""
from __future__ import annotations

import threading

from sentem.extensions import db
from sentem.orders import cancellation
from sentem.orders.cancellation import CancelRefused
from sentem.orders.models import Cancellation, OrderEvent
from sentem.orders.services import find, transition
from tests.admin.builders import make_staff
from tests.builders import make_member
from tests.orders.builders import make_paid_order
from tests.races import TIMEOUT, LiveClient, errors, race

N = 8


def _requested_return() -> str:
    order = make_paid_order(make_member())
    for status in ("preparing", "shipped", "delivered"):
        transition(order, status, actor="staff:1")
    db.session.commit()
    cancellation.request_return(order, actor=f"member:{order.member_id}")
    return order.order_no


def _events(order_id: int, to_status: str) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(OrderEvent)
                              .filter_by(order_id=order_id, to_status=to_status)).scalar_one()


def test_one_refusal_form_submitted_8_times_over_http_refuses_once(app, live_server):
    order_no = _requested_return()
    browser = LiveClient(live_server)
    browser.login_staff(make_staff("order_staff"))
    page = f"/admin/orders/{order_no}"
    token = browser.csrf(page)
    barrier, replies = threading.Barrier(N), []

    def submit():
        barrier.wait(timeout=TIMEOUT)
        replies.append(browser.request("POST", f"{page}/return-refused", {"csrf_token": token}))

    threads = [threading.Thread(target=submit, daemon=True) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=TIMEOUT)
    assert [r.status for r in replies] == [302] * N
    db.session.expire_all()
    order = find(order_no)
    assert order.status == "delivered" and _events(order.id, "delivered") == 2  # delivery, then the refusal
    assert [c.status for c in order.cancellations] == ["refused"]
    # What each submit was told (its flash rides in the cookie that reply set).
    told = [browser.request("GET", page, cookies={**browser.cookies, **r.cookies}).body for r in replies]
    assert sum("반품 요청을 반려했습니다" in b for b in told) == 1
    assert sum("이미 처리된 주문입니다" in b for b in told) == N - 1


def test_refusals_racing_the_returns_arrival_end_one_way_or_the_other(app):
    order_no = _requested_return()
    db.session.remove()
    refuse = [lambda o: cancellation.refuse_return(o, actor="staff:2")] * (N // 2)
    receive = [lambda o: cancellation.mark_received(o, actor="staff:3")] * (N // 2)

    results = race(app, refuse + receive, prepare=lambda: find(order_no))

    assert errors(results, CancelRefused) == []
    winners = [r for r in results if isinstance(r, Cancellation)]
    assert len(winners) == 1
    assert all("반품 요청 상태가 아닙니다" in r.message for r in results if isinstance(r, CancelRefused))
    order = find(order_no)
    [record] = order.cancellations
    if order.status == "delivered":  # refused: no refund is owed, nothing received
        assert record.status == "refused" and record.received_at is None and record.refund_due_on is None
        assert _events(order.id, "returned") == 0 and _events(order.id, "delivered") == 2
    else:  # received: the refund is due, the refusal changed nothing
        assert order.status == "returned" and record.status == "received" and record.refund_due_on is not None
        assert _events(order.id, "returned") == 1 and _events(order.id, "delivered") == 1


def test_a_stale_refusal_after_the_goods_arrived_changes_nothing(app):
    order_no = _requested_return()
    stale = find(order_no)
    cancellation.mark_received(find(order_no), actor="staff:3")
    try:
        cancellation.refuse_return(stale, actor="staff:2")
    except CancelRefused as exc:
        assert "이미 처리된 주문입니다" in exc.message
    else:
        raise AssertionError("a refusal of a received return went through")
    db.session.expire_all()
    order = find(order_no)
    assert order.status == "returned" and [c.status for c in order.cancellations] == ["received"]
