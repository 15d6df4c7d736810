"""The shop's Toss pages over real HTTP (shop and sandbox both served on loopback ports): checkout
→ window → success/fail URLs, and the webhook, which is only ever a hint re-fetched from the PG."""
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request

from sentem.extensions import db
from sentem.orders.models import Order
from sentem.shop import cart
from sentem.shop.models import Product
from tests.builders import PASSWORD, make_member
from tests.orders.builders import DELIVERY, make_product
from tests.races import LiveClient, race


def _shop_path(url: str, live_server) -> str:
    assert url.startswith(live_server.url), url
    return url[len(live_server.url):]


def _checkout(live_server, toss, product, qty=1):
    """A logged-in client whose checkout went to the PG window; returns (client, member, window URL)."""
    member = make_member()
    cart.add(member.id, product.id, qty)
    client = LiveClient(live_server)
    client.login(member.login_id, PASSWORD)
    page = client.get("/checkout").body
    assert "토스페이먼츠" in page
    fields = {name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1)
              for name in ("csrf_token", "checkout_token")}
    reply = client.post("/checkout", dict(DELIVERY, payment_method="toss", **fields))
    assert reply.status == 303 and re.search(r"/orders/[\w-]+/pay$", reply.location), (reply.status, reply.location)
    window = client.get(_shop_path(urllib.parse.urljoin(live_server.url, reply.location), live_server))
    assert window.status == 303 and window.location.startswith(toss.url + "/window?")
    return client, member, window.location


def _order(member) -> Order:
    db.session.expire_all()
    return db.session.execute(db.select(Order).filter_by(member_id=member.id)).scalar_one()


def test_checkout_window_success_pays_and_lands_on_the_order(app, toss, live_server):
    product = make_product(price=12000, stock=3)
    client, member, window = _checkout(live_server, toss, product, 2)
    back = client.get(_shop_path(toss.decide(window), live_server))
    order = _order(member)
    assert back.status == 302 and back.location.endswith(f"/orders/{order.order_no}")
    assert order.status == "paid" and toss.ledger.confirm_calls == 1
    page = client.get(f"/orders/{order.order_no}").body
    assert "결제 완료" in page and "주문과 결제가 완료되었습니다" in page


def test_tampered_amount_in_the_success_url_is_refused(app, toss, live_server):
    product = make_product(price=12000, stock=3)
    client, member, window = _checkout(live_server, toss, product)
    success = toss.decide(window)
    tampered = re.sub(r"amount=\d+", "amount=1000", success)
    back = client.get(_shop_path(tampered, live_server))
    assert back.status == 302 and back.location.endswith("/cart")
    assert "결제 금액이 주문 금액과 달라" in client.get("/cart").body
    assert toss.ledger.confirm_calls == 0 and _order(member).status == "cancelled"
    assert db.session.get(Product, product.id).stock == 3


def test_decline_in_the_window_explains_in_korean_and_keeps_the_cart(app, toss, live_server):
    product = make_product(title="거절 머그", price=12000, stock=3)
    client, member, window = _checkout(live_server, toss, product, 2)
    back = client.get(_shop_path(toss.decide(window, "decline"), live_server))
    assert back.status == 302 and back.location.endswith("/cart")
    page = client.get("/cart").body
    assert "카드사에서 결제를 거절했습니다" in page and "장바구니는 그대로 있습니다" in page
    assert "거절 머그" in page
    assert _order(member).status == "cancelled" and db.session.get(Product, product.id).stock == 3


def _wait_for(predicate, what: str):
    for _ in range(300):  # a bound for a webhook thread, never a timing assertion
        db.session.expire_all()
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def test_webhook_before_the_browser_returns_and_twice(app, toss, live_server):
    toss.switch(webhook_url=live_server.url + "/payments/toss/webhook", duplicate_webhook=True)
    product = make_product(price=12000, stock=3)
    client, member, window = _checkout(live_server, toss, product)
    success = toss.decide(window)
    payment_key = urllib.parse.parse_qs(urllib.parse.urlsplit(success).query)["paymentKey"][0]
    # A webhook while the PG still waits for our confirm: re-fetched, IN_PROGRESS, nothing changes.
    status, answer = toss.call("POST", f"/sandbox/webhooks/{payment_key}", {})
    assert status == 200 and answer["status"] == 200
    assert _order(member).status == "pending_payment"
    # The PG approves but its answer to us is lost; its webhooks (sent twice) arrive first.
    toss.switch(timeout_after_approval=1, hang=4)
    back = client.get(_shop_path(success, live_server))
    assert back.status == 302
    _wait_for(lambda: _order(member).status == "paid", "the webhook pays the order")
    order = _order(member)
    assert order.latest_payment.status == "approved" and order.latest_payment.gateway_ref == payment_key
    assert [e.to_status for e in order.events].count("paid") == 1
    assert db.session.get(Product, product.id).stock == 2
    # The browser comes back again (reload): told it is done, nothing charged again.
    again = client.get(_shop_path(success, live_server))
    assert again.status == 302 and again.location.endswith(f"/orders/{order.order_no}")
    assert toss.ledger.confirm_calls == 1


def test_webhooks_for_the_same_payment_at_once_pay_once(app, toss, live_server):
    product = make_product(price=12000, stock=3)
    client, member, window = _checkout(live_server, toss, product)
    success = toss.decide(window)
    key = urllib.parse.parse_qs(urllib.parse.urlsplit(success).query)["paymentKey"][0]
    order = _order(member)
    payment = order.latest_payment
    # The PG approved (someone confirmed at the PG directly); then many webhooks arrive together.
    toss.call("POST", "/v1/payments/confirm", {"paymentKey": key, "orderId": payment.attempt_key,
                                                "amount": payment.amount})
    body = json.dumps({"eventType": "PAYMENT_STATUS_CHANGED", "data": {"orderId": payment.attempt_key}})
    results = race(app, [lambda: _post_json(live_server, body) for _ in range(6)])
    assert all(r == 200 for r in results), results
    order = _order(member)
    assert order.status == "paid" and [e.to_status for e in order.events].count("paid") == 1


def _post_json(live_server, body: str, content_type: str = "application/json") -> int:
    req = urllib.request.Request(live_server.url + "/payments/toss/webhook", data=body.encode(), method="POST",
                                 headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_webhook_input_is_checked_and_a_forged_one_changes_nothing(app, toss, live_server):
    product = make_product(price=12000, stock=3)
    _client, member, window = _checkout(live_server, toss, product)
    order_id = _order(member).latest_payment.attempt_key
    assert _post_json(live_server, "{not json") == 400
    assert _post_json(live_server, json.dumps({"eventType": "PAYMENT_STATUS_CHANGED", "data": {}})) == 400
    assert _post_json(live_server, json.dumps({"eventType": "PAYMENT_STATUS_CHANGED",
                                               "data": {"orderId": "x" * 500}})) == 400
    assert _post_json(live_server, "[" + "1," * 20000 + "1]") == 413
    assert _post_json(live_server, json.dumps({"eventType": "DEPOSIT_CALLBACK", "data": {}})) == 200
    # Forged: "DONE" for an order the buyer has not even approved. The shop asks the PG: not found.
    forged = {"eventType": "PAYMENT_STATUS_CHANGED", "data": {"orderId": order_id, "status": "DONE",
                                                               "paymentKey": "forged", "totalAmount": 1}}
    assert _post_json(live_server, json.dumps(forged)) == 200
    assert _order(member).status == "pending_payment"
    forged["data"]["status"] = "ABORTED"
    assert _post_json(live_server, json.dumps(forged)) == 200
    assert _order(member).status == "pending_payment"
    # The PG down: 503, so that it sends the webhook again later.
    toss.switch(fail_500=1)
    assert _post_json(live_server, json.dumps(forged)) == 503
    assert _order(member).status == "pending_payment"


def test_only_the_webhook_is_exempt_from_csrf(app, toss, live_server):
    assert _post_json(live_server, "a=1", "application/x-www-form-urlencoded") == 400  # not JSON, but reached
    client = LiveClient(live_server)
    assert client.post("/cart/add", {"product_id": "1", "quantity": "1"}).status == 400  # CSRF still guards


def test_with_toss_itself_the_pay_page_opens_its_sdk_window(app, client):
    from sentem.config import TOSS_API_BASE
    from tests.builders import login_as
    from tests.orders.toss_flow import to_window

    app.config.update(SENTEM_PAYMENT_GATEWAY="toss", SENTEM_TOSS_API_BASE=TOSS_API_BASE,
                      SENTEM_TOSS_CLIENT_KEY="test_ck_real", SENTEM_TOSS_SECRET_KEY="test_sk_real")
    member = make_member()
    order, window = to_window(member, [(make_product(price=12000), 1)])
    assert window is None  # no sandbox window: Toss's own, opened by its SDK in the browser
    login_as(client, member)
    resp = client.get(f"/orders/{order.order_no}/pay")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'data-client-key="test_ck_real"' in page
    assert f'data-order-id="{order.order_no}-1"' in page and 'data-amount="15000"' in page
    assert "https://js.tosspayments.com/v2/standard" in page
    assert "script-src 'self' https://js.tosspayments.com" in resp.headers["Content-Security-Policy"]
    # The checkout form posts to the shop only: no other site in its form-action.
    assert "form-action 'self';" in client.get("/checkout").headers["Content-Security-Policy"]
