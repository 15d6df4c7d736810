"""The local Toss-compatible sandbox itself: its API's answers and error codes, and ``flask pg-sandbox``."""
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from sentem.pgsandbox.ledger import ApiError
from tests.orders.toss_flow import query

ROOT = Path(__file__).resolve().parents[2]


def _authorized(sandbox, order_id="20261128-TEST01-1", amount=10000):
    return sandbox.ledger.authorize(order_id, "테스트", amount)


def test_basic_auth_with_the_secret_key_is_required(sandbox):
    status, body = sandbox.call("GET", "/v1/payments/orders/20261128-TEST01-1", auth="test_sk_wrong")
    assert (status, body["code"]) == (401, "UNAUTHORIZED_KEY")
    status, body = sandbox.call("GET", "/v1/payments/orders/20261128-TEST01-1")
    assert (status, body["code"]) == (404, "NOT_FOUND_PAYMENT")


def test_confirm_checks_amount_and_order_and_answers_once(sandbox):
    p = _authorized(sandbox)
    base = {"paymentKey": p.payment_key, "orderId": p.order_id}
    assert sandbox.call("POST", "/v1/payments/confirm", base | {"amount": 9000})[1]["code"] == "INVALID_REQUEST"
    assert sandbox.call("POST", "/v1/payments/confirm",
                        base | {"orderId": "other-order-1", "amount": 10000})[0] == 404
    assert sandbox.call("POST", "/v1/payments/confirm", base | {"amount": "10000"})[0] == 400  # a number, not text
    status, body = sandbox.call("POST", "/v1/payments/confirm", base | {"amount": 10000}, idempotency_key="k1")
    assert status == 200 and body["status"] == "DONE" and body["totalAmount"] == 10000
    assert body["card"]["approveNo"] and "*" in body["card"]["number"]  # a masked number only
    assert sandbox.call("POST", "/v1/payments/confirm", base | {"amount": 10000}, idempotency_key="k1")[1] == body
    status, again = sandbox.call("POST", "/v1/payments/confirm", base | {"amount": 10000}, idempotency_key="k2")
    assert (status, again["code"]) == (400, "ALREADY_PROCESSED_PAYMENT")


def test_partial_and_full_cancel(sandbox):
    p = _authorized(sandbox)
    sandbox.ledger.confirm(p.payment_key, p.order_id, 10000)
    path = f"/v1/payments/{p.payment_key}/cancel"
    assert sandbox.call("POST", path, {"cancelAmount": 100})[1]["code"] == "INVALID_REQUEST"  # a reason is required
    status, body = sandbox.call("POST", path, {"cancelReason": "한 줄 반품", "cancelAmount": 4000}, idempotency_key="c1")
    assert status == 200 and body["status"] == "PARTIAL_CANCELED" and body["balanceAmount"] == 6000
    assert sandbox.call("POST", path, {"cancelReason": "한 줄 반품", "cancelAmount": 4000},
                        idempotency_key="c1")[1]["balanceAmount"] == 6000  # the same key: not cancelled twice
    assert sandbox.call("POST", path, {"cancelReason": "x", "cancelAmount": 7000})[1]["code"] == "NOT_CANCELABLE_AMOUNT"
    status, body = sandbox.call("POST", path, {"cancelReason": "주문 취소"})
    assert status == 200 and body["status"] == "CANCELED" and body["balanceAmount"] == 0
    assert sandbox.call("POST", path, {"cancelReason": "x"})[1]["code"] == "ALREADY_CANCELED_PAYMENT"


def test_the_window_refuses_a_bad_client_key_and_declines_with_toss_codes(sandbox):
    url = (f"{sandbox.url}/window?clientKey=test_ck_sandbox&orderId=20261128-TEST02-1&amount=5000&orderName=x"
           "&successUrl=http://shop.test/s&failUrl=http://shop.test/f")
    assert query(sandbox.decide(url, "decline"))["code"] == "REJECT_CARD_PAYMENT"
    try:
        urllib.request.urlopen(url.replace("test_ck_sandbox", "test_ck_other"), timeout=30)
        raise AssertionError("a wrong client key was accepted")
    except urllib.error.HTTPError as exc:
        assert exc.code == 401


def test_switches_500_and_duplicate_order(sandbox):
    sandbox.switch(fail_500=1)
    status, body = sandbox.call("GET", "/v1/payments/orders/20261128-TEST01-1")
    assert (status, body["code"]) == (500, "FAILED_INTERNAL_SYSTEM_PROCESSING")
    assert sandbox.call("GET", "/v1/payments/orders/20261128-TEST01-1")[0] == 404  # used up
    _authorized(sandbox)
    try:
        _authorized(sandbox)
        raise AssertionError("the same orderId was authorized twice")
    except ApiError as exc:
        assert exc.code == "DUPLICATED_ORDER_ID"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_flask_pg_sandbox_serves_on_loopback(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTEM_")}
    env.update(SENTEM_INSTANCE_PATH=str(tmp_path), SENTEM_TOSS_SECRET_KEY="test_sk_mine",
               SENTEM_TOSS_CLIENT_KEY="test_ck_mine")
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "pg-sandbox", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/payments/orders/20261128-TEST03-1")
        req.add_header("Authorization", "Basic dGVzdF9za19taW5lOg==")  # test_sk_mine:
        for _ in range(600):  # until it listens (a bound, not a timing assertion)
            try:
                urllib.request.urlopen(req, timeout=5)
            except urllib.error.HTTPError as exc:
                assert exc.code == 404  # answers with the keys of the shop's configuration
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                time.sleep(0.1)
        else:
            raise AssertionError("pg-sandbox never answered")
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0]
    assert f"http://127.0.0.1:{port}" in out and "SENTEM_TOSS_SECRET_KEY=test_sk_mine" in out


def test_pg_sandbox_is_refused_in_production(app, runner):
    app.config["SENTEM_ENV"] = "production"
    result = runner.invoke(args=["pg-sandbox", "--port", "1"])
    assert result.exit_code != 0 and "production" in result.output
