"""Staff screens name members (issue 16): "김*수 (회원 12번)" — the name masked by its declared
rule — linked to the member page for roles that may see members, plain text for the others;
withdrawn members and guests read as such; a page of orders reads its names in one go."""
from __future__ import annotations

import re

from flask import g

from sentem.extensions import db
from sentem.myinfo import services
from sentem.privacy.suspension import OPTIONAL
from tests.accounts.test_request_cost import counted
from tests.builders import make_member
from tests.guest.builders import order_as_guest
from tests.orders.builders import make_paid_order, make_product

from .builders import make_staff, staff_login


def _cell(html: str, order_no: str) -> str:
    """The 주문자 cell of ``order_no``'s row in the staff order list."""
    row = re.search(rf"{order_no}</a></td>\s*<td>[^<]*</td><td>(.*?)</td>", html, re.S)
    assert row, order_no
    return row.group(1)


def _order_list_as(client, role: str):
    """A member 김철수 with one paid order, and the staff order list as ``role`` sees it."""
    member = make_member(name="김철수")
    order = make_paid_order(member)
    staff_login(client, make_staff(role))
    return member, order, client.get("/admin/orders").get_data(as_text=True)


def test_the_order_list_shows_masked_names_linked_for_member_staff(client):
    member, order, html = _order_list_as(client, "privacy_handler")
    assert _cell(html, order.order_no) == f'<a href="/admin/members/{member.id}">김*수 (회원 {member.id}번)</a>'
    detail = client.get(f"/admin/orders/{order.order_no}").get_data(as_text=True)
    assert f"김*수 (회원 {member.id}번)" in detail and "김철수" not in detail


def test_a_role_without_member_access_sees_no_link(client):
    member, order, html = _order_list_as(client, "order_staff")
    assert _cell(html, order.order_no) == f"김*수 (회원 {member.id}번)"
    assert "/admin/members/" not in html


def test_suspended_withdrawn_and_guest_orderers(client):
    suspended, gone = make_member(name="박선택"), make_member(name="이탈퇴")
    kept, left = make_paid_order(suspended), make_paid_order(gone)
    services.set_suspension(suspended, OPTIONAL, True)  # optional items only: the name is required
    gone.status = "withdrawn"
    db.session.commit()
    order_as_guest(client, (make_product(title="비회원 머그"), 1))
    staff_login(client, make_staff("privacy_officer"))
    html = client.get("/admin/orders").get_data(as_text=True)
    assert "박*택 (회원" in _cell(html, kept.order_no)
    assert _cell(html, left.order_no) == f"탈퇴 회원 (회원 {gone.id}번)"
    assert "비회원 손*김" in html  # the guest order's orderer, masked
    refunds = client.get("/admin/rights").get_data(as_text=True)
    assert refunds  # the rights queue renders with the people helper


def test_the_order_list_reads_names_in_bulk(client):
    officer = make_staff("privacy_officer")
    make_paid_order(make_member(name="김일번"))
    staff_login(client, officer)

    def cost() -> list[str]:
        g.pop("sentem_data_keys", None)  # start with no unwrapped key, as a fresh request would
        db.session.expunge_all()
        with counted() as seen:
            assert client.get("/admin/orders").status_code == 200
        return seen

    few = cost()
    for i in range(19):
        make_paid_order(make_member(name=f"김{chr(0xAC00 + i)}수"))
    many = cost()
    html = client.get("/admin/orders").get_data(as_text=True)
    assert html.count(" (회원 ") == 20 and "김*수 (회원" in html
    # 20 orders of 20 members cost what 1 order costs: no statement per member or per key.
    assert len(many) == len(few), (len(few), len(many))
    print(f"\n/admin/orders statements: 1 order {len(few)}, 20 orders of 20 members {len(many)}")
