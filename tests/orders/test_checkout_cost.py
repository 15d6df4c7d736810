"""What one member checkout costs the database: a ceiling on statements per request, and
the order written in one transaction (issue 19: checkout over HTTP). Counted with
SQLAlchemy engine events on all three databases, on SQLite and PostgreSQL alike."""
from __future__ import annotations

import re


from sentem.extensions import db
from sentem.orders.models import Order
from sentem.shop import cart
from tests.accounts.builders import PASSWORD, register_member
from tests.orders.builders import DELIVERY, make_product
from tests.statements import counted, fresh_request

# Measured on SQLite with the database session store (PostgreSQL + Redis reads the session
# from Redis: one statement fewer per request). Each ceiling is what the request needs:
# GET /checkout — login check, waiting order, cart with products, saved address (+ its key);
#   the token is signed, not written (5).
# POST /checkout — login check, token claim (its row), waiting order, cart, order number,
#   cart emptied, order + line + payment + history, token → order, the delivery request
#   (its day key's id, the day key and the member's key in one read, the request, its
#   history: 4), stock; then the gateway (its charge: 1) and its answer: payment (the day
#   key's id is the one the delivery request just used), payment history, order status,
#   order history (21).
# The order page — login check, the order with lines, payments and history in one query,
#   its cancellations, and the delivery's tracking (events, request, and the recipient's two
#   keys in one read: 3; a paid order has no shipment or return pickup to read yet) (6).
# A lazy load per line or a second read of the same row would break these.
CEILING = {"form": 5, "submit": 21, "order page": 6}
# COMMITs of the submit: the order (durable before the gateway is asked: an answer lost
# on the way is then found again by the recovery), the gateway's own ledger (the test
# gateway plays a remote system), the answer; and the end of the key store's read
# transaction with the order's. Nothing else: history rows ride with what they record.
SUBMIT_COMMITS = 4


def _checkout(client) -> tuple[dict[str, list[str]], str]:
    seen = {}
    fresh_request()
    with counted(commits=True) as seen["form"]:
        html = client.get("/checkout").get_data(as_text=True)
    token = re.search(r'name="checkout_token" value="([^"]+)"', html).group(1)
    fresh_request()
    with counted(commits=True) as seen["submit"]:
        resp = client.post("/checkout", data=dict(DELIVERY, payment_method="test", test_outcome="approve",
                                                   checkout_token=token))
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/orders/"), resp.status_code
    fresh_request()
    with counted(commits=True) as seen["order page"]:
        assert client.get(resp.headers["Location"]).status_code == 200
    return seen, resp.headers["Location"]


def _logged_in_member_with_cart(client, products):
    member = register_member()
    assert client.post("/login", data={"login_id": member.login_id, "password": PASSWORD}).status_code == 302
    for p in products:
        cart.add(member.id, p.id, 1)
    return member


def test_a_checkout_costs_a_fixed_number_of_statements(client):
    product = make_product(stock=10)
    _logged_in_member_with_cart(client, [product])
    seen, _ = _checkout(client)
    for step, statements in seen.items():
        sql = [s for s in statements if s != "COMMIT"]
        assert len(sql) <= CEILING[step], (step, len(sql), sql)
    assert "COMMIT" not in seen["form"] and "COMMIT" not in seen["order page"]  # pages that only show
    assert seen["submit"].count("COMMIT") <= SUBMIT_COMMITS, seen["submit"]


def test_more_lines_cost_no_more_statements(client):
    # One query for the cart with its products, one for the order with its lines: a cart of
    # three products costs what a cart of one does (the stock is taken per line: +2).
    products = [make_product(stock=10) for _ in range(3)]
    _logged_in_member_with_cart(client, products)
    seen, _ = _checkout(client)
    assert len([s for s in seen["form"] if s != "COMMIT"]) <= CEILING["form"]
    assert len([s for s in seen["submit"] if s != "COMMIT"]) <= CEILING["submit"] + 2 + 2
    assert len([s for s in seen["order page"] if s != "COMMIT"]) <= CEILING["order page"]


def test_the_order_stock_and_payment_row_are_written_in_one_transaction(client):
    product = make_product(stock=10)
    _logged_in_member_with_cart(client, [product])
    seen, location = _checkout(client)
    submit = seen["submit"]
    claim = next(i for i, s in enumerate(submit) if s.startswith("INSERT INTO checkout_tokens"))
    stock = next(i for i, s in enumerate(submit) if s.startswith("UPDATE products SET stock"))
    written = submit[claim:stock + 1]
    # No COMMIT between the token's claim and the stock: order, lines, payment, history, cart
    # and delivery request stand or fall together (a sold-out line rolls all of it back).
    assert "COMMIT" not in written, written
    for table in ("order_lines", "payments", "order_events", "delivery_requests"):
        assert any(s.startswith(f"INSERT INTO {table} ") for s in written), table
    assert any(s.startswith("DELETE FROM cart_items") for s in written)
    # The order row is inserted once, never updated before its payment answer comes.
    order_updates = [s for s in submit if s.startswith("UPDATE orders")]
    assert len(order_updates) == 1 and "orders.status = " in order_updates[0], order_updates
    order = db.session.execute(db.select(Order)).scalar_one()
    assert location == f"/orders/{order.order_no}" and order.status == "paid" and order.stock_reserved
