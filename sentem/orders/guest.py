"""Guest orders (비회원 주문): checkout without an account, and the lookup by order password.

Checkout asks the orderer's name, mobile and email, an order password (argon2, at least
``MIN_PASSWORD`` characters) and the consent to the ``guest_order`` record class, then goes
through the members' checkout (``checkout.place``): the same one-time token, price
snapshot, stock and payment code. The orderer row is written in the order's transaction
under the order's own data key.

Lookup (``find``) answers the same for an unknown number and a wrong password; wrong
passwords are limited per order (``MAX_FAILURES`` per ``LOCK_FOR``) in the shared
throttle store, and each is logged (order number only: not personal data).
"""
from __future__ import annotations

import datetime as _dt
import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from .. import clock
from ..accounts import validation
from ..extensions import db
from ..notify import outbox
from ..privacy import policy_versions
from ..security import aead, passwords, throttle
from ..security.fields import masked_many
from . import checkout, numbers
from .guest_models import GuestOrder
from .models import Order

log = logging.getLogger("sentem.orders.guest")

ORDERER_FIELDS = ("orderer_name", "orderer_phone", "orderer_email")
MIN_PASSWORD, MAX_PASSWORD = 6, 128
MAX_FAILURES, LOCK_FOR = 5, _dt.timedelta(minutes=10)
THROTTLE = "guest-order"
CONSENT_FIELD = "consent_guest_privacy"
ACTOR = "guest"
WRONG = "주문번호 또는 주문 비밀번호가 올바르지 않습니다."
_DUMMY: dict = {}


def _dummy_hash() -> str:
    """Checked when the order number is unknown, so both answers cost one argon2 check."""
    if "hash" not in _DUMMY:
        _DUMMY["hash"] = passwords.hash_password("guest-order-lookup-dummy")
    return _DUMMY["hash"]


@dataclass
class Orderer:
    """What a guest checkout collected about the orderer, checked."""

    name: str
    phone: str
    email: str
    password: str


def validate(form: dict) -> tuple[Orderer | None, dict]:
    """The orderer part of the guest checkout form: (orderer, {}) or (None, field errors in Korean)."""
    errors, values = {}, {}
    for field, check in (("orderer_name", validation.name), ("orderer_phone", validation.mobile),
                         ("orderer_email", validation.email)):
        try:
            values[field] = check(form.get(field))
        except validation.Invalid as exc:
            errors[field] = str(exc)
    password = form.get("order_password") or ""
    if len(password) < MIN_PASSWORD:
        errors["order_password"] = f"주문 비밀번호는 {MIN_PASSWORD}자 이상으로 입력해 주세요."
    elif len(password) > MAX_PASSWORD or any(ord(c) < 32 for c in password):
        errors["order_password"] = f"주문 비밀번호는 제어 문자 없이 {MAX_PASSWORD}자 이하로 입력해 주세요."
    elif password != (form.get("order_password_confirm") or ""):
        errors["order_password_confirm"] = "주문 비밀번호가 서로 다릅니다."
    if not form.get(CONSENT_FIELD):
        errors[CONSENT_FIELD] = "비회원 주문을 위한 개인정보 수집·이용에 동의해야 주문할 수 있습니다."
    if errors:
        return None, errors
    return Orderer(values["orderer_name"], values["orderer_phone"], values["orderer_email"], password), {}


def place(cart_owner, orderer: Orderer, *, token: str, delivery: dict, payment_method: str,
          payment_params: dict | None = None) -> checkout.CheckoutResult:
    """Order the guest cart ``cart_owner`` for ``orderer``. Raises CheckoutError or stock.SoldOut."""
    password_hash = passwords.hash_password(orderer.password)  # slow: before the transaction
    version = policy_versions.current_version()
    label = version.label if version else None

    def write_orderer(order: Order) -> None:
        row = GuestOrder(order_id=order.id, data_key_id=order.data_key_id, password_hash=password_hash,
                         consented_at=clock.now(), policy_version=label, created_at=clock.now())
        row.orderer_name, row.orderer_phone, row.orderer_email = orderer.name, orderer.phone, orderer.email
        db.session.add(row)

    buyer = checkout.Buyer(member_id=None, data_key_id=None, cart=cart_owner, actor=ACTOR)
    result = checkout.place(buyer, token=token, delivery=delivery, payment_method=payment_method,
                            payment_params=payment_params, on_create=write_orderer)
    if result.outcome in ("paid", "unknown", "redirect"):
        _tell_order_number(result.order, orderer)
    return result


def _tell_order_number(order: Order, orderer: Orderer) -> None:
    """Mail the order number and where to look it up: a guest has no account to find it in."""
    shop = current_app.config["SHOP_NAME"]
    base = current_app.config["SENTEM_BASE_URL"].rstrip("/")
    body = (f"{orderer.name}님, 주문이 접수되었습니다.\n\n주문번호: {order.order_no}\n"
            f"결제 금액: {order.total_amount:,}원\n\n비회원 주문조회(주문번호와 주문 비밀번호): {base}/guest/orders\n")
    try:
        outbox.send_email(orderer.email, f"[{shop}] 주문 {order.order_no} 접수", body, category="order")
    except outbox.OutboxError:
        log.warning("guest order %s: order-number mail could not be sent", order.order_no)


class LookupRefused(Exception):
    """The lookup is refused; ``message`` (Korean) says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def orderer_of(order: Order) -> GuestOrder | None:
    """The orderer row of a guest order (None for a member's order, or once destroyed)."""
    return db.session.execute(select(GuestOrder).filter_by(order_id=order.id)).scalar_one_or_none()


def orderer_names(order_ids) -> dict[int, str]:
    """{order id: the orderer's name masked by its declared rule} of the guest orders among
    ``order_ids`` whose orderer is still kept: one query and one bulk key read for a staff page."""
    ids = sorted({int(i) for i in order_ids})
    if not ids:
        return {}
    rows = db.session.execute(select(GuestOrder.order_id, GuestOrder.data_key_id, GuestOrder.orderer_name_ct)
                              .where(GuestOrder.order_id.in_(ids))).all()
    return masked_many(GuestOrder, "orderer_name", rows)


@dataclass(frozen=True)
class Contact:
    """Where a guest order's notices go (delivery's shipped/delivered notices read it)."""

    status: str
    email: str
    mobile: str


def contact_of(order: Order) -> Contact | None:
    """The orderer's contact for a guest order; None once destroyed (or for a member's order)."""
    row = orderer_of(order) if order.member_id is None else None
    if row is None:
        return None
    try:
        return Contact("active", row.orderer_email, row.orderer_phone)
    except aead.KeyDestroyed:
        return None


def by_number(order_no: str) -> Order | None:
    """The guest order numbered ``order_no`` (a member's order is never one)."""
    if not numbers.is_valid(order_no or ""):
        return None
    return db.session.execute(select(Order).join(GuestOrder, GuestOrder.order_id == Order.id)
                              .where(Order.order_no == order_no, Order.member_id.is_(None))).scalar_one_or_none()


def find(order_no: str, password: str) -> Order:
    """The guest order when the password is right; LookupRefused otherwise (same answer for an
    unknown number), and locked for ``LOCK_FOR`` after ``MAX_FAILURES`` wrong tries."""
    order_no = (order_no or "").strip()[:40]
    if throttle.locked_until(THROTTLE, order_no) is not None:
        raise LookupRefused(f"주문 비밀번호를 {MAX_FAILURES}회 잘못 입력하여 {LOCK_FOR.seconds // 60}분 동안 "
                            "조회할 수 없습니다. 잠시 후 다시 시도해 주세요.")
    order = by_number(order_no)
    row = orderer_of(order) if order is not None else None
    ok, new_hash = passwords.verify(row.password_hash if row else _dummy_hash(), password or "")
    if row is None or not ok:
        locked = throttle.note_failure(THROTTLE, order_no, max_failures=MAX_FAILURES, lock_for=LOCK_FOR)
        log.warning("guest order lookup: wrong password for %s%s", order_no if order else "(unknown number)",
                    " — locked" if locked else "")
        raise LookupRefused(WRONG)
    if new_hash:
        row.password_hash = new_hash
        db.session.commit()
    return order
