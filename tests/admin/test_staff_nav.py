"""The staff menu says where work waits (shipping, refunds, rights requests), and the
plan banner asks only the staff who still owe an acknowledgement."""
from __future__ import annotations

import re

from sentem.extensions import db
from sentem.orders import cancellation
from sentem.orders.services import transition
from tests.builders import make_member
from tests.myinfo.builders import make_rights_request
from tests.orders.builders import make_paid_order

from .builders import make_staff, staff_login

BANNER = "내부관리계획 1판을 아직 확인하지 않았습니다"


def _menu_counts(client) -> dict[str, int]:
    nav = client.get("/admin/dashboard").get_data(as_text=True).split('<nav class="admin-nav"', 1)[1].split("</nav>")[0]
    return {label.strip(): int(n) for label, n in
            re.findall(r'>([^<>]+?) <span class="nav-count">(\d+)<span class="sr-only">건 대기</span></span></a>', nav)}


def test_queues_show_their_waiting_counts_in_the_menu(client):
    member = make_member()
    make_paid_order(member)
    make_paid_order(member)
    returned = make_paid_order(member)
    for status in ("preparing", "shipped", "delivered"):
        transition(returned, status, actor="staff:1")
    db.session.commit()
    cancellation.request_return(returned, actor=f"member:{member.id}")
    make_rights_request(member)
    make_rights_request(member, detail="열람 요청")

    staff_login(client, make_staff("privacy_officer"))
    assert _menu_counts(client) == {"주문·환불": 1, "배송": 2, "권리 행사 요청": 2}

    cancellation.mark_received(returned, actor="staff:1")
    db.session.commit()
    assert _menu_counts(client)["주문·환불"] == 1  # still to refund


def test_counts_follow_the_role_and_vanish_when_nothing_waits(client):
    staff_login(client, make_staff("shipping_staff"))
    assert _menu_counts(client) == {}
    make_paid_order(make_member())
    assert _menu_counts(client) == {"배송": 1}  # and no other queue's count for this role


def test_plan_banner_only_for_staff_who_still_owe_an_acknowledgement(app):
    first, second = app.test_client(), app.test_client()
    staff_login(first, make_staff("order_staff"))
    staff_login(second, make_staff("order_staff"))
    for client in (first, second):
        assert BANNER in client.get("/admin/dashboard").get_data(as_text=True)
    first.post("/admin/plan/ack")
    for path in ("/admin/dashboard", "/admin/orders", "/admin/plan"):
        assert BANNER not in first.get(path).get_data(as_text=True), path
    assert BANNER in second.get("/admin/orders").get_data(as_text=True)  # not acknowledged for them
