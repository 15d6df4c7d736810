"""The payment window (plain HTML: approve / decline / close) and the test controls.

``GET /window`` takes what the shop's checkout sends (``clientKey``, ``orderId``,
``amount``, ``orderName``, ``successUrl``, ``failUrl``, optional ``customerName``);
approving redirects to ``successUrl?paymentKey=…&orderId=…&amount=…&paymentType=NORMAL``,
declining to ``failUrl?code=REJECT_CARD_PAYMENT&message=…&orderId=…``, closing to
``failUrl?code=PAY_PROCESS_CANCELED…``. No card number is asked: the sandbox approves.
"""
from __future__ import annotations

import dataclasses
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template_string, request

from . import webhooks
from .api import ORDER_ID, ledger
from .ledger import ApiError

bp = Blueprint("pgsandbox_window", __name__)

PAGE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>토스페이먼츠 샌드박스 결제창</title></head>
<body>
<h1>토스페이먼츠 샌드박스 결제창</h1>
<p>개발·테스트용 결제창입니다. 실제로 돈이 나가지 않습니다.</p>
<dl><dt>주문</dt><dd class="order-name">{{ order_name }}</dd>
<dt>결제 금액</dt><dd class="amount">{{ "{:,}".format(amount) }}원</dd></dl>
<form method="post" action="/window/decide">
  {% for k, v in fields.items() %}<input type="hidden" name="{{ k }}" value="{{ v }}">{% endfor %}
  <button type="submit" name="action" value="approve" class="approve">결제 승인</button>
  <button type="submit" name="action" value="decline" class="decline">카드 거절</button>
  <button type="submit" name="action" value="close" class="close">결제창 닫기</button>
</form>
</body></html>"""


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        abort(400, "successUrl/failUrl must be absolute http(s) URLs")
    return value


def _fields(source) -> dict:
    """The window's parameters, checked like the real window checks them."""
    if source.get("clientKey") != current_app.config["SANDBOX_CLIENT_KEY"]:
        abort(401, "unknown clientKey")
    order_id = source.get("orderId", "")
    if not ORDER_ID.match(order_id):
        abort(400, "orderId: 6-64 letters, digits, - or _")
    try:
        amount = int(source.get("amount", ""))
    except ValueError:
        abort(400, "amount must be a whole number")
    if amount <= 0:
        abort(400, "amount must be positive")
    return {"clientKey": source["clientKey"], "orderId": order_id, "amount": amount,
            "orderName": (source.get("orderName") or "")[:100], "successUrl": _http_url(source.get("successUrl", "")),
            "failUrl": _http_url(source.get("failUrl", "")), "customerName": (source.get("customerName") or "")[:100]}


@bp.get("/window")
def window():
    fields = _fields(request.args)
    return render_template_string(PAGE, fields=fields, amount=fields["amount"], order_name=fields["orderName"])


def _to(url: str, params: dict):
    return redirect(url + ("&" if "?" in url else "?") + urlencode(params), 303)


@bp.post("/window/decide")
def decide():
    f = _fields(request.form)
    action = request.form.get("action")
    if action == "approve":
        try:
            payment = ledger().authorize(f["orderId"], f["orderName"], f["amount"])
        except ApiError as exc:
            return _to(f["failUrl"], {"code": exc.code, "message": exc.message, "orderId": f["orderId"]})
        return _to(f["successUrl"], {"paymentKey": payment.payment_key, "orderId": f["orderId"],
                                     "amount": f["amount"], "paymentType": "NORMAL"})
    ledger().abort(f["orderId"])
    if action == "decline":
        return _to(f["failUrl"], {"code": "REJECT_CARD_PAYMENT", "orderId": f["orderId"],
                                  "message": "한도초과 혹은 잔액부족으로 결제에 실패했습니다."})
    return _to(f["failUrl"], {"code": "PAY_PROCESS_CANCELED", "orderId": f["orderId"],
                              "message": "사용자에 의해 결제가 취소되었습니다."})


@bp.post("/sandbox/switches")
def switches():
    """Set failure switches (JSON, any subset of ``ledger.Switches``' fields); answers all of them."""
    data = request.get_json(silent=True) or {}
    sw = ledger().switches
    for f in dataclasses.fields(sw):
        if f.name in data:
            setattr(sw, f.name, type(getattr(sw, f.name))(data[f.name]))
    if "webhook_url" in data:
        ledger().webhook_url = data["webhook_url"] or None
    return jsonify(dataclasses.asdict(sw) | {"webhook_url": ledger().webhook_url, "confirm_calls": ledger().confirm_calls})


@bp.post("/sandbox/webhooks/<payment_key>")
def send_webhook(payment_key: str):
    """Deliver the payment's current state to the webhook URL now; answers the shop's HTTP status."""
    payment = ledger().get(payment_key).as_json()
    if not ledger().webhook_url:
        abort(409, "no webhook_url set")
    return jsonify(status=webhooks.send(ledger().webhook_url, payment))


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return jsonify(code=exc.code, message=exc.message), exc.status
