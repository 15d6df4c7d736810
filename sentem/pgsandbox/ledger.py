"""The sandbox's memory: payments by key, stored idempotent answers, failure switches.

One lock guards everything, so parallel confirms of one payment behave like the real
PG: the first wins, the others get ``ALREADY_PROCESSED_PAYMENT``.
"""
from __future__ import annotations

import datetime as _dt
import secrets
import threading
from dataclasses import dataclass, field

KST = _dt.timezone(_dt.timedelta(hours=9))


def now_iso() -> str:
    """Toss answers in KST with an offset, e.g. ``2026-12-01T10:00:00+09:00``."""
    return _dt.datetime.now(KST).replace(microsecond=0).isoformat()


class ApiError(Exception):
    """An error answer: HTTP ``status`` with Toss's ``{"code", "message"}`` body."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(code)
        self.status, self.code, self.message = status, code, message


@dataclass
class Switches:
    """What the next calls should do wrong (see the package docstring)."""

    delay: float = 0.0
    fail_500: int = 0
    timeout_after_approval: int = 0
    hang: float = 3.0
    duplicate_webhook: bool = False


@dataclass
class SandboxPayment:
    """One payment as the PG keeps it. ``status``: IN_PROGRESS → DONE → PARTIAL_CANCELED/CANCELED, or ABORTED."""

    payment_key: str
    order_id: str
    order_name: str
    amount: int
    status: str = "IN_PROGRESS"
    balance: int = 0
    requested_at: str = field(default_factory=now_iso)
    approved_at: str | None = None
    approve_no: str | None = None
    cancels: list = field(default_factory=list)

    def as_json(self) -> dict:
        """The v1 Payment object (the fields the shop reads, plus the usual frame)."""
        return {
            "mId": "tsandbox", "version": "2022-11-16", "type": "NORMAL", "currency": "KRW", "country": "KR",
            "paymentKey": self.payment_key, "orderId": self.order_id, "orderName": self.order_name,
            "status": self.status, "method": "카드", "totalAmount": self.amount, "balanceAmount": self.balance,
            "suppliedAmount": self.amount - (self.amount * 2 + 11) // 22, "vat": (self.amount * 2 + 11) // 22,
            "requestedAt": self.requested_at, "approvedAt": self.approved_at,
            "lastTransactionKey": self.cancels[-1]["transactionKey"] if self.cancels else None,
            # Only a masked number and the approval number: card data stays with the PG.
            "card": {"number": "43301234****123*", "approveNo": self.approve_no, "installmentPlanMonths": 0,
                     "amount": self.amount} if self.approve_no else None,
            "cancels": list(self.cancels) or None,
        }


class Ledger:
    """Payments, idempotent answers and switches of one sandbox."""

    def __init__(self, webhook_url: str | None = None):
        self.lock = threading.RLock()
        self.payments: dict[str, SandboxPayment] = {}
        self.by_order: dict[str, str] = {}
        self.answers: dict[tuple[str, str], tuple[int, dict]] = {}
        self.switches = Switches()
        self.webhook_url = webhook_url
        self.confirm_calls = 0  # how many confirms reached the PG (tests count double confirms)

    def authorize(self, order_id: str, order_name: str, amount: int) -> SandboxPayment:
        """The buyer approved in the window: a payment waiting for the shop's confirm."""
        with self.lock:
            if order_id in self.by_order and self.payments[self.by_order[order_id]].status != "ABORTED":
                raise ApiError(400, "DUPLICATED_ORDER_ID", "이미 승인 및 취소가 진행된 중복된 주문번호 입니다.")
            payment = SandboxPayment(payment_key="tsb_" + secrets.token_hex(16), order_id=order_id,
                                     order_name=order_name, amount=amount)
            self.payments[payment.payment_key] = payment
            self.by_order[order_id] = payment.payment_key
            return payment

    def get(self, payment_key: str) -> SandboxPayment:
        with self.lock:
            payment = self.payments.get(payment_key)
        if payment is None:
            raise ApiError(404, "NOT_FOUND_PAYMENT", "존재하지 않는 결제 정보 입니다.")
        return payment

    def get_by_order(self, order_id: str) -> SandboxPayment:
        with self.lock:
            key = self.by_order.get(order_id)
        return self.get(key or "")

    def confirm(self, payment_key: str, order_id: str, amount: int) -> SandboxPayment:
        """Approve an authorized payment once; refuses another order or amount."""
        with self.lock:
            self.confirm_calls += 1
            payment = self.get(payment_key)
            if payment.order_id != order_id:
                raise ApiError(404, "NOT_FOUND_PAYMENT_SESSION", "결제 시간이 만료되어 결제 진행 데이터가 존재하지 않습니다.")
            if payment.status != "IN_PROGRESS":
                raise ApiError(400, "ALREADY_PROCESSED_PAYMENT", "이미 처리된 결제 입니다.")
            if payment.amount != amount:
                raise ApiError(400, "INVALID_REQUEST", "결제 금액이 결제 요청 금액과 일치하지 않습니다.")
            payment.status, payment.balance, payment.approved_at = "DONE", amount, now_iso()
            payment.approve_no = f"{secrets.randbelow(10**8):08d}"
            return payment

    def cancel(self, payment_key: str, reason: str, amount: int | None) -> SandboxPayment:
        """Cancel all that is left, or ``amount`` of it (partial cancel)."""
        with self.lock:
            payment = self.get(payment_key)
            if payment.status == "CANCELED":
                raise ApiError(400, "ALREADY_CANCELED_PAYMENT", "이미 취소된 결제 입니다.")
            if payment.status not in ("DONE", "PARTIAL_CANCELED"):
                raise ApiError(403, "NOT_CANCELABLE_PAYMENT", "취소 할 수 없는 결제 입니다.")
            take = payment.balance if amount is None else amount
            if take <= 0 or take > payment.balance:
                raise ApiError(403, "NOT_CANCELABLE_AMOUNT", "취소 할 수 없는 금액 입니다.")
            payment.balance -= take
            payment.status = "CANCELED" if payment.balance == 0 else "PARTIAL_CANCELED"
            payment.cancels.append({"cancelAmount": take, "cancelReason": reason, "canceledAt": now_iso(),
                                    "transactionKey": secrets.token_hex(16), "cancelStatus": "DONE",
                                    "refundableAmount": payment.balance})
            return payment

    def abort(self, order_id: str) -> None:
        """The buyer declined or closed the window before any approval."""
        with self.lock:
            key = self.by_order.get(order_id)
            if key and self.payments[key].status == "IN_PROGRESS":
                self.payments[key].status = "ABORTED"

    def remember(self, key: str, scope: str, status: int, body: dict) -> None:
        with self.lock:
            self.answers[(scope, key)] = (status, body)

    def recall(self, key: str, scope: str) -> tuple[int, dict] | None:
        with self.lock:
            return self.answers.get((scope, key))

    def take_switch(self, name: str) -> bool:
        """Use up one of a counted switch (``fail_500``, ``timeout_after_approval``)."""
        with self.lock:
            left = getattr(self.switches, name)
            if left > 0:
                setattr(self.switches, name, left - 1)
                return True
            return False
