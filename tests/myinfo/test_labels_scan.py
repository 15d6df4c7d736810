"""No raw code of the label table and no unformatted amount on member or staff pages.

The pages are rendered for a member with a paid order, a cancelled one, a declined payment,
a rights request and a login, and for a privacy officer looking at the same orders."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from sentem.privacy import labels
from sentem.extensions import db
from sentem.orders import cancellation
from sentem.orders.models import Order
from tests.admin.builders import make_staff, staff_login
from tests.builders import login_as
from tests.myinfo.builders import full_member, login_history, make_rights_request
from tests.myinfo.pagetext import bare_amounts, raw_codes, visible
from tests.orders.builders import checkout, make_paid_order, make_product


@pytest.fixture
def shopper(app):
    member = full_member("scan")
    paid = make_paid_order(member, quantity=2, price=12300, title="스캔 텀블러")
    cancelled = make_paid_order(member, price=7700, title="스캔 머그")
    cancellation.cancel(cancelled, actor=f"member:{member.id}", reason_code="wrong_order")
    declined = checkout(member, [(make_product(price=45600, title="스캔 담요"), 1)], outcome="decline").order
    request = make_rights_request(member)
    login_history(member)
    return member, paid, cancelled, declined, request


def _amounts() -> set[int]:
    amounts = set()
    for o in db.session.execute(select(Order)).scalars():
        amounts |= {o.subtotal_amount, o.total_amount, o.shipping_fee, o.vat_amount}
        amounts |= {ln.unit_price for ln in o.lines} | {ln.line_total for ln in o.lines}
    return {a for a in amounts if a}


# Domains features declare in the one table (besides the order, payment and rights codes above):
# their codes are in the scan's list, so a page printing one raw fails.
MOVED = {"delivery": "return_picked_up", "shipment_status": "delivered", "delivery_failure": "wrong_address",
         "rights_relation": "guardian", "rights_channel": "proxy", "inquiry_category": "privacy",
         "inquiry_status": "answered", "login_event": "password_change", "access_action": "members.view",
         "retention_action": "archive_move", "duty_status": "held", "duty_kind": "archive_expiry",
         "review_finding": "off_hours", "role_change": "revoke", "stat_run_status": "running",
         "guest_request_kind": "deletion", "marketing_skip": "night_no_consent"}


def _scan(client, paths: list[str]) -> dict[str, tuple[set, set]]:
    with client.application.app_context():
        codes = labels.all_codes()
        assert {ns: code for ns, code in MOVED.items() if code not in labels.codes(ns)} == {}
    problems = {}
    amounts = _amounts()
    for path in paths:
        resp = client.get(path)
        assert resp.status_code == 200, path
        text = visible(resp.get_data(as_text=True))
        found = (raw_codes(text, codes), bare_amounts(text, amounts))
        if any(found):
            problems[path] = found
    return problems


def test_member_pages_show_labels_and_won(client, shopper):
    member, paid, cancelled, declined, request = shopper
    login_as(client, member)
    paths = ["/me", "/me/data", "/orders", "/orders?status=cancelled", f"/orders/{paid.order_no}",
             f"/orders/{paid.order_no}/cancel", f"/orders/{paid.order_no}/receipt", f"/orders/{cancelled.order_no}",
             f"/orders/{declined.order_no}", "/me/consents", "/me/requests", f"/me/requests/{request.id}",
             "/cart", "/me/edit", "/me/addresses", "/me/sessions", "/me/withdraw", "/support"]
    assert _scan(client, paths) == {}
    client.set_cookie("lang", "en")  # English words are codes' namesakes ("paid"): amounts only, as ₩12,300
    assert {path: found[1] for path, found in _scan(client, paths[:9]).items() if found[1]} == {}


def test_staff_pages_show_labels_and_won(client, shopper):
    _member, paid, cancelled, declined, request = shopper
    staff_login(client, make_staff("privacy_officer"))
    paths = ["/admin/dashboard", "/admin/orders", "/admin/orders/refunds", f"/admin/orders/{paid.order_no}",
             f"/admin/orders/{cancelled.order_no}", f"/admin/orders/{declined.order_no}", "/admin/rights",
             f"/admin/rights/{request.id}", "/admin/shipping", "/admin/members", "/admin/inquiries",
             "/admin/accesslog", "/admin/retention", "/admin/audit", f"/admin/shipping/{paid.order_no}",
             "/admin/staff", "/admin/statistics", "/admin/reviews"]
    assert _scan(client, paths) == {}


def test_the_scan_catches_a_raw_code_and_a_bare_amount():
    # The checks themselves: a page that printed codes and plain numbers would fail.
    text = visible("<td>declined</td><td>15000</td><td>3,000</td><td>privacy_required</td><td>/me/consents</td>")
    assert raw_codes(text, {"declined", "privacy_required", "/me/consents", "test"}) == {
        "declined", "privacy_required", "/me/consents"}
    assert bare_amounts(text, {15000, 3000}) == {"15000", "3,000"}
    assert bare_amounts(visible("<td>15,000원</td> pytest-agent 06236"), {15000}) == set()
