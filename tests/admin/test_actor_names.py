"""Staff screens name people, not ids: who changed an order or a shipment is shown by
name (a member as 김*수 (회원 n번), a job by its name), never as ``staff:4`` or ``member:1``."""
from __future__ import annotations

import re

from sentem.extensions import db
from sentem.orders.services import transition
from sentem.staff import filters
from tests.builders import make_member
from tests.orders.builders import make_paid_order

from .builders import make_staff, staff_login

CODE = re.compile(r"\b(staff|member|system):[\w-]+")


def test_order_and_shipping_history_show_names(client, app):
    worker = make_staff("privacy_officer", name="김배송")
    member = make_member()
    order = make_paid_order(member)
    transition(order, "preparing", actor=f"staff:{worker[0].id}")
    db.session.commit()
    staff_login(client, worker)
    for path in (f"/admin/orders/{order.order_no}", f"/admin/shipping/{order.order_no}"):
        html = client.get(path).get_data(as_text=True)
        assert "김배송" in html, path
        assert not CODE.search(html), (path, CODE.search(html).group(0))


def test_actor_labels(app):
    staff, _pw, _secret = make_staff("order_staff", name="이주문")
    with app.test_request_context():
        assert filters.actor(f"staff:{staff.id}") == "이주문"
        assert filters.actor("staff:999") == "직원 #999(삭제됨)"
        assert filters.actor("member:999999") == "탈퇴 회원 (회원 999999번)"  # gone: no name left
        member = make_member(name="김철수")
        assert filters.actor(f"member:{member.id}") == f"김*수 (회원 {member.id}번)"
        assert filters.actor("system:refund-retry") == "자동 처리(환불 재시도 작업)"
        assert filters.actor("cli") == "관리 명령(CLI)"
