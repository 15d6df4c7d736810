"""마이페이지 (/me): greeting, order counts by group linking to a filtered 주문내역, the latest
orders and a link to every my-info page; the registry table lives at /me/data."""
from __future__ import annotations

import re

from sentem.extensions import db
from sentem.orders import cancellation
from sentem.orders.services import transition
from tests.builders import login_as, make_member
from tests.myinfo.pagetext import visible
from tests.orders.builders import checkout, make_paid_order, make_product


def _counts(html: str) -> dict[str, int]:
    return {g: int(n) for g, n in re.findall(r'data-group="(\w+)"><span class="count">(\d+)</span>', html)}


def test_hub_counts_orders_by_group_and_links_to_filtered_lists(client):
    member = make_member(name="김마이")
    make_paid_order(member)
    preparing = make_paid_order(member)
    transition(preparing, "preparing", actor="staff:1")
    db.session.commit()
    cancelled = make_paid_order(member)
    cancellation.cancel(cancelled, actor=f"member:{member.id}")
    checkout(member, [(make_product(), 1)], outcome="decline")  # 결제 실패: in no group
    login_as(client, member)
    html = client.get("/me").get_data(as_text=True)
    assert "김마이님, 안녕하세요." in visible(html)
    assert _counts(html) == {"pending": 0, "paid": 1, "preparing": 1, "shipping": 0, "delivered": 0, "cancelled": 1}
    for group in ("pending", "paid", "preparing", "shipping", "delivered", "cancelled"):
        assert f'href="/orders?status={group}"' in html
    listed = client.get("/orders?status=preparing").get_data(as_text=True)
    assert preparing.order_no in listed and cancelled.order_no not in listed
    assert cancelled.order_no in client.get("/orders?status=cancelled").get_data(as_text=True)


def test_hub_links_every_my_info_page_and_shows_latest_orders(client):
    member = make_member()
    orders = [make_paid_order(member) for _ in range(4)]
    login_as(client, member)
    html = client.get("/me").get_data(as_text=True)
    for href in ("/me/edit", "/me/password", "/me/addresses", "/me/consents", "/me/data", "/support",
                 "/me/withdraw"):
        assert f'href="{href}"' in html, href
    shown = [o.order_no for o in orders if o.order_no in html]
    assert len(shown) == 3 and orders[0].order_no not in shown  # the three newest
    assert "Personal data items" not in html and 'id="items"' not in html  # the registry table moved


def test_unknown_status_filter_is_refused_clearly(client):
    member = make_member()
    make_paid_order(member)
    login_as(client, member)
    for value in ("bogus", "paid'--", "x" * 300):
        resp = client.get("/orders", query_string={"status": value})
        assert resp.status_code == 400
        assert "알 수 없는 주문 상태입니다" in resp.get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "Unknown order status" in client.get("/orders?status=bogus").get_data(as_text=True)


def test_hub_and_data_need_a_login(client):
    for path in ("/me", "/me/data"):
        resp = client.get(path)
        assert resp.status_code == 302 and resp.headers["Location"].startswith("/login?next=")
