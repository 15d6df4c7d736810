"""Toss Payments (토스페이먼츠) over its v1 REST API, or the local sandbox that speaks it.

The buyer pays in Toss's own window; Sentem never sees a card number. The window
sends the browser back to the success URL with ``paymentKey``, ``orderId`` and
``amount``; ``confirm`` then approves with ``POST /v1/payments/confirm``. Our
``orderId`` is the payment's ``attempt_key`` (``<order_no>-<n>``: letters, digits
and ``-``, as Toss requires), and every POST carries an ``Idempotency-Key`` so a
retried call never charges or refunds twice. Basic auth with the secret key;
timeouts, connection errors and 5xx answers raise ``GatewayUnavailable`` (the
answer is unknown: the order stays pending and ``lookup`` settles it later).
"""
from __future__ import annotations

import logging
from urllib.parse import quote, urlencode

import requests
from flask import current_app

from ...config import TOSS_API_BASE
from .base import GatewayResult, GatewayUnavailable

log = logging.getLogger("sentem.orders")

# Toss payment status → our answer. Only DONE is a payment; the rest waits or failed.
STATUS = {"DONE": "approved", "CANCELED": "cancelled", "PARTIAL_CANCELED": "cancelled", "ABORTED": "declined",
          "EXPIRED": "declined", "READY": "pending", "IN_PROGRESS": "pending", "WAITING_FOR_DEPOSIT": "pending"}
DECLINED = "카드사 또는 결제대행사에서 결제를 승인하지 않았습니다."
MESSAGES = {
    "REJECT_CARD_PAYMENT": "카드사에서 결제를 거절했습니다. 한도나 잔액을 확인하거나 다른 카드로 결제해 주세요.",
    "PAY_PROCESS_CANCELED": "결제창을 닫아 결제가 진행되지 않았습니다.",
    "PAY_PROCESS_ABORTED": "결제가 중단되었습니다. 다시 시도해 주세요.",
    "NOT_FOUND_PAYMENT_SESSION": "결제 시간이 지나 결제가 진행되지 않았습니다. 다시 시도해 주세요.",
    "INVALID_REQUEST": "결제 요청이 올바르지 않아 결제가 진행되지 않았습니다.",
}


def message_for(code: str) -> str:
    """A Korean explanation of a Toss error code, safe to show the buyer."""
    return MESSAGES.get(code, DECLINED)


class TossGateway:
    """Implements ``gateways.base.Gateway`` over Toss Payments' v1 API; checkout redirects to its window."""

    name = "toss"
    methods = ("toss",)
    redirect = True  # the buyer approves in the PG's window; checkout does not confirm at once

    def __init__(self):
        cfg = current_app.config
        self.base = cfg["SENTEM_TOSS_API_BASE"]
        self.client_key = cfg["SENTEM_TOSS_CLIENT_KEY"]
        self.secret_key = cfg["SENTEM_TOSS_SECRET_KEY"]
        self.timeout = float(cfg.get("SENTEM_TOSS_TIMEOUT", 10))

    @property
    def hosted_window(self) -> bool:
        """True for Toss itself (its window opens through its JS SDK); False for a sandbox's HTML window."""
        return self.base == TOSS_API_BASE

    def window_url(self, *, order_id: str, amount: int, order_name: str, success_url: str, fail_url: str) -> str:
        """The sandbox's payment window for this attempt (only the order name and amount leave the shop)."""
        return f"{self.base}/window?" + urlencode({
            "clientKey": self.client_key, "orderId": order_id, "amount": amount, "orderName": order_name,
            "successUrl": success_url, "failUrl": fail_url})

    def _call(self, method: str, path: str, *, json: dict | None = None, idempotency_key: str | None = None):
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        try:
            resp = requests.request(method, self.base + path, json=json, headers=headers,
                                    auth=(self.secret_key, ""), timeout=self.timeout)
        except requests.RequestException as exc:
            raise GatewayUnavailable(f"toss: {type(exc).__name__}") from exc
        if resp.status_code == 401:
            # Our keys are wrong: an operator's problem, never the buyer's decline.
            log.error("toss: the API refused our secret key (check SENTEM_TOSS_SECRET_KEY)")
            raise GatewayUnavailable("toss: HTTP 401")
        if resp.status_code >= 500 or resp.status_code == 429:
            raise GatewayUnavailable(f"toss: HTTP {resp.status_code}")
        try:
            body = resp.json()
        except ValueError as exc:
            raise GatewayUnavailable("toss: an answer that is not JSON") from exc
        if not isinstance(body, dict):
            raise GatewayUnavailable("toss: an answer that is not an object")
        return resp.status_code, body

    @staticmethod
    def _result(body: dict) -> GatewayResult:
        status = STATUS.get(str(body.get("status")), "pending")
        card = body.get("card") if isinstance(body.get("card"), dict) else {}
        amount = body.get("totalAmount")
        return GatewayResult(status, ref=body.get("paymentKey"), amount=amount if isinstance(amount, int) else None,
                             code=str(body.get("status")), message="결제 승인" if status == "approved" else "",
                             approval_no=str(card.get("approveNo") or "")[:20])

    def confirm(self, *, attempt_key, order_no, amount, method, params):
        payment_key = str((params or {}).get("paymentKey") or "")[:200]
        code, body = self._call("POST", "/v1/payments/confirm", idempotency_key=attempt_key,
                                json={"paymentKey": payment_key, "orderId": attempt_key, "amount": amount})
        if code == 200:
            return self._result(body)
        error = str(body.get("code") or "")
        if error == "ALREADY_PROCESSED_PAYMENT":  # confirmed before (another tab, a retry): ask what stands
            return self.lookup(attempt_key=attempt_key, ref=payment_key)
        log.info("toss confirm of %s refused: %s", attempt_key, error)
        status = "not_found" if code == 404 and error == "NOT_FOUND_PAYMENT" else "declined"
        return GatewayResult(status, ref=payment_key or None, code=error[:40], message=message_for(error))

    def cancel(self, *, ref, attempt_key, amount, reason):
        code, body = self._call("POST", f"/v1/payments/{quote(ref or '', safe='')}/cancel",
                                idempotency_key=attempt_key,
                                json={"cancelReason": reason[:200] or "주문 취소", "cancelAmount": amount})
        if code == 200:
            return GatewayResult("cancelled", ref=ref, amount=amount, code=str(body.get("status")),
                                 message="결제가 취소되었습니다.")
        error = str(body.get("code") or "")
        log.warning("toss cancel of %s (%s won) refused: %s", ref, amount, error)
        return GatewayResult("not_found" if code == 404 else "declined", ref=ref, code=error[:40],
                             message="결제대행사가 취소를 거절했습니다.")

    def lookup(self, *, attempt_key, ref=None):
        code, body = self._call("GET", f"/v1/payments/orders/{quote(attempt_key, safe='')}")
        if code == 404:
            return GatewayResult("not_found", code=str(body.get("code") or "NOT_FOUND_PAYMENT"),
                                 message="결제 내역이 없습니다.")
        if code != 200:
            raise GatewayUnavailable(f"toss: look-up answered {code}")
        return self._result(body)
