"""The v1 endpoints: confirm, cancel, look-ups; Basic auth, idempotency, failure switches."""
from __future__ import annotations

import base64
import re
import time

from flask import Blueprint, current_app, jsonify, request

from . import webhooks
from .ledger import ApiError, Ledger

bp = Blueprint("pgsandbox_api", __name__)
ORDER_ID = re.compile(r"^[A-Za-z0-9_-]{6,64}$")


def ledger() -> Ledger:
    """This sandbox's ledger."""
    return current_app.extensions["pgsandbox"]


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return jsonify(code=exc.code, message=exc.message), exc.status


@bp.before_request
def _guard():
    if not request.path.startswith("/v1/"):
        return None
    sw = ledger().switches
    if sw.delay:
        time.sleep(sw.delay)  # a slow PG: the shop's timeout is what is tested
    if ledger().take_switch("fail_500"):
        return jsonify(code="FAILED_INTERNAL_SYSTEM_PROCESSING", message="내부 시스템 처리 작업이 실패했습니다."), 500
    expected = "Basic " + base64.b64encode((current_app.config["SANDBOX_SECRET_KEY"] + ":").encode()).decode()
    if request.headers.get("Authorization") != expected:
        return jsonify(code="UNAUTHORIZED_KEY", message="인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다."), 401
    return None


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "INVALID_REQUEST", "잘못된 요청입니다.")
    return data


def _amount(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ApiError(400, "INVALID_REQUEST", "금액이 올바르지 않습니다.")
    return value


def _idempotent(scope: str, run) -> tuple[int, dict, bool]:
    """(status, body, fresh): a repeated ``Idempotency-Key`` gets the first answer (success or
    error) again and changes nothing (``fresh`` False)."""
    key = request.headers.get("Idempotency-Key", "")[:300]
    if key:
        stored = ledger().recall(key, scope)
        if stored is not None:
            return stored[0], stored[1], False
    try:
        status, body = 200, run()
    except ApiError as exc:
        status, body = exc.status, {"code": exc.code, "message": exc.message}
    if key:
        ledger().remember(key, scope, status, body)
    return status, body, True


@bp.post("/v1/payments/confirm")
def confirm():
    data = _body()
    key, order_id = str(data.get("paymentKey") or ""), str(data.get("orderId") or "")
    if not ORDER_ID.match(order_id):
        raise ApiError(400, "INVALID_REQUEST", "orderId는 영문 대소문자, 숫자, -, _ 6자 이상 64자 이하입니다.")
    amount = _amount(data.get("amount"))
    status, body, fresh = _idempotent("confirm", lambda: ledger().confirm(key, order_id, amount).as_json())
    if fresh and status == 200:
        webhooks.changed(current_app._get_current_object(), body)
        if ledger().take_switch("timeout_after_approval"):
            time.sleep(ledger().switches.hang)  # approved, but the answer comes too late
    return jsonify(body), status


@bp.post("/v1/payments/<payment_key>/cancel")
def cancel(payment_key: str):
    data = _body()
    reason = str(data.get("cancelReason") or "").strip()[:200]
    if not reason:
        raise ApiError(400, "INVALID_REQUEST", "cancelReason은 필수입니다.")
    amount = None if data.get("cancelAmount") is None else _amount(data.get("cancelAmount"))
    status, body, fresh = _idempotent(f"cancel:{payment_key}",
                                      lambda: ledger().cancel(payment_key, reason, amount).as_json())
    if fresh and status == 200:
        webhooks.changed(current_app._get_current_object(), body)
    return jsonify(body), status


@bp.get("/v1/payments/<payment_key>")
def by_key(payment_key: str):
    return jsonify(ledger().get(payment_key).as_json())


@bp.get("/v1/payments/orders/<order_id>")
def by_order(order_id: str):
    return jsonify(ledger().get_by_order(order_id).as_json())

