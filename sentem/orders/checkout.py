"""Checkout: one-time token, order with a price snapshot, stock, then payment.

1. The checkout page issues a token: signed for the member (or guest), dated, valid for
   ``TOKEN_HOURS`` — showing the form writes nothing. The submit *claims* it by inserting
   its row (unique; ``ON CONFLICT DO NOTHING``) in the same transaction that creates the
   order, so a second submit of the same form (double click, two tabs, a retry) finds the
   token claimed — on PostgreSQL it waits for the first one's commit — and lands on the
   order the first one made: one order, one charge.
2. That transaction also snapshots the cart (prices from the database; anything
   the client posted about prices is never read), empties it (a compare-and-set:
   a cart another tab's checkout took first is refused), creates the delivery
   request and takes the stock. Sold out → everything rolls back, nothing is written.
3. After commit, the payment is settled through the gateway (``payments.settle``).
   Should that fail or be declined, the lines go back into the cart. Whatever happens
   to the connection in between, the cart can no longer be charged a second time.
4. While the member has an order waiting for its payment answer, a new checkout leads
   to that order (its 결제 확인) instead of charging again.
"""
from __future__ import annotations

import base64
import datetime as _dt
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import bindparam, delete, select, update

from .. import clock
from ..extensions import db, dialect_insert
from ..security import datakeys
from ..shop import cart as cart_service
from ..shop.settings import shipping_terms
from . import fulfilment, gateways, numbers, payments, stock
from .commits import commit_keeping
from .models import CheckoutToken, Order, OrderLine, Payment
from .services import record_creation

DELIVERY_FIELDS = ("recipient_name", "recipient_phone", "postcode", "address1", "address2", "delivery_memo")


class CheckoutError(Exception):
    """The checkout cannot go on; ``message`` (Korean) says why, ``errors`` maps fields to messages."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


@dataclass
class CheckoutResult:
    """What a submit produced. ``outcome``: paid | declined | unknown (payment answer lost) | replay |
    pending (an earlier order still waits for its payment answer; ``order`` is that one) |
    redirect (the buyer goes to the PG's window, ``pgflow``)."""

    order: Order
    outcome: str
    message: str = ""
    errors: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Buyer:
    """Who checks out: a member, or a guest (``member_id`` None) whose order gets its own data key.

    ``cart`` is the ``shop.cart`` owner the order is made from; ``actor`` stamps the history.
    """

    member_id: int | None
    data_key_id: int | None
    cart: object
    actor: str


TOKEN_HOURS = 24  # a form left open longer is refused ("주문서가 만료되었습니다")
EXPIRED = "주문서가 만료되었습니다. 장바구니에서 다시 주문해 주세요."


def issue_token(member_id: int | None) -> str:
    """A fresh one-time checkout token for the form of a member (or of a guest: None).

    ``nonce.issued.signature``, signed with the app's secret key for this buyer: nothing is
    written until a submit claims it, so a form shown costs no write transaction."""
    nonce, issued = secrets.token_urlsafe(12), int(clock.now().timestamp())
    return f"{nonce}.{issued}.{_signature(member_id, nonce, issued)}"


def _signature(member_id: int | None, nonce: str, issued: int) -> str:
    key = current_app.secret_key
    msg = f"sentem checkout token|{member_id if member_id is not None else '-'}|{nonce}|{issued}".encode()
    mac = hmac.new(key.encode() if isinstance(key, str) else key, msg, hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(mac).decode()


def _issued_at(member_id: int | None, token: str) -> _dt.datetime | None:
    """When ``token`` was issued to this buyer; None when forged, someone else's or too old."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1].isascii() or not parts[1].isdigit():
        return None
    if not hmac.compare_digest(parts[2], _signature(member_id, parts[0], int(parts[1]))):
        return None
    issued = _dt.datetime.fromtimestamp(int(parts[1]), _dt.timezone.utc)
    return issued if clock.now() - issued <= _dt.timedelta(hours=TOKEN_HOURS) else None


def purge_unused_tokens(older_than_hours: int = 24) -> int:
    """Delete checkout token rows never used; commits. Returns how many.

    Tokens are rows only once claimed now; this clears rows an earlier version wrote for
    every form shown."""
    cutoff = clock.now() - _dt.timedelta(hours=older_than_hours)
    n = db.session.execute(delete(CheckoutToken).where(CheckoutToken.used_at.is_(None),
                                                       CheckoutToken.issued_at < cutoff)).rowcount
    db.session.commit()
    return n


def shipping_fee(subtotal: int) -> int:
    """Delivery fee in won: free from the configured threshold."""
    fee, free_over = shipping_terms()
    return 0 if subtotal >= free_over else fee


WITHDRAWAL_PENDING = ("회원 탈퇴를 신청하셨기 때문에 새 주문을 할 수 없습니다. 계속 쇼핑하시려면 "
                      "회원 탈퇴 페이지에서 탈퇴 신청을 취소해 주세요.")


PAYMENT_PENDING = ("결제 결과를 기다리는 주문이 있습니다. 주문 상세에서 '결제 확인'을 눌러 결과를 확인한 뒤 "
                   "다시 주문해 주세요. 중복 결제는 일어나지 않습니다.")
CART_CHANGED = "장바구니가 방금 바뀌었습니다. 장바구니를 확인하고 다시 주문해 주세요."


def pending_order(member_id: int) -> Order | None:
    """The member's order still waiting for its payment answer, if any (the oldest)."""
    return db.session.execute(_pending_query(), {"member_id": member_id}).scalar_one_or_none()


# The checkout's statements are built once: building one and its cache key costs several
# times what running it does (``bench/checkout_cpu.py``), and every checkout sends them.
@functools.cache
def _pending_query():
    return (select(Order).where(Order.member_id == bindparam("member_id"), Order.status == "pending_payment")
            .order_by(Order.id).limit(1))


@functools.cache
def _claim_insert(insert_for):
    # One per database kind (``insert_for``: its dialect's insert, with ON CONFLICT).
    table = CheckoutToken.__table__
    return insert_for(table).on_conflict_do_nothing(index_elements=["token"]).returning(table.c.id)


@functools.cache
def _token_to_order():
    return (update(CheckoutToken).where(CheckoutToken.token == bindparam("b_token"))
            .values(order_id=bindparam("b_order_id")).execution_options(synchronize_session=False))


def refusal(member) -> str | None:
    """Why ``member`` may not order now (a pending withdrawal: new orders would postpone it forever)."""
    return WITHDRAWAL_PENDING if member.status != "active" else None


def place_order(member, *, token: str, delivery: dict, payment_method: str,
                payment_params: dict | None = None) -> CheckoutResult:
    """Turn the member's cart into an order and pay for it. Raises CheckoutError or stock.SoldOut."""
    refused = refusal(member)
    if refused:
        raise CheckoutError(refused)
    buyer = Buyer(member_id=member.id, data_key_id=member.data_key_id, cart=member.id, actor=f"member:{member.id}")
    return place(buyer, token=token, delivery=delivery, payment_method=payment_method,
                 payment_params=payment_params)


def place(buyer: Buyer, *, token: str, delivery: dict, payment_method: str, payment_params: dict | None = None,
          on_create=None) -> CheckoutResult:
    """Turn ``buyer``'s cart into an order and pay for it (members and guests alike).

    ``on_create(order)`` writes what else belongs to the order in its transaction (a guest
    order's orderer). A guest order's data key is made here, in that transaction too.
    """
    try:
        gateway = gateways.get(payment_method)
    except gateways.UnknownMethod:
        raise CheckoutError("결제 수단을 선택해 주세요.", {"payment_method": "사용할 수 없는 결제 수단입니다."})
    replay = _claim(buyer.member_id, token)
    if replay is not None:
        return replay
    waiting = pending_order(buyer.member_id) if buyer.member_id is not None else None
    if waiting is not None:
        db.session.rollback()  # the token stays unused: the same form works once that order is settled
        return CheckoutResult(order=waiting, outcome="pending", message=PAYMENT_PENDING)
    try:
        key_id = buyer.data_key_id or datakeys.create(kind="guest_order")
        order = _create_order(buyer, key_id, token, delivery, payment_method, gateway.name)
        if on_create is not None:
            on_create(order)
        stock.take(order)
        commit_keeping([order, *order.lines, *order.payments])  # settle goes on with what it wrote
    except Exception:
        db.session.rollback()
        raise
    if getattr(gateway, "redirect", False):  # the buyer approves in the PG's window first (pgflow)
        return CheckoutResult(order=order, outcome="redirect")
    return payments.settle(order, order.latest_payment, payment_params or {}, actor=buyer.actor)


def _claim(member_id: int | None, token: str) -> CheckoutResult | None:
    """Claim the token (its row, unique, until commit), or return the order an earlier submit made."""
    issued = _issued_at(member_id, token) if token and len(token) <= 64 else None
    if issued is None:
        raise CheckoutError(EXPIRED)
    claimed = db.session.execute(_claim_insert(dialect_insert(CheckoutToken)), {
        "token": token, "member_id": member_id, "issued_at": issued, "used_at": clock.now()}).first()
    if claimed is not None:
        return None
    db.session.rollback()
    whose = CheckoutToken.member_id.is_(None) if member_id is None else CheckoutToken.member_id == member_id
    row = db.session.execute(db.select(CheckoutToken).where(CheckoutToken.token == token, whose)).scalar_one_or_none()
    if row is None or row.order_id is None:
        raise CheckoutError(EXPIRED)
    order = db.session.get(Order, row.order_id)
    return CheckoutResult(order=order, outcome="replay", message="이미 접수된 주문입니다.")


def _create_order(buyer: Buyer, key_id: int, token: str, delivery: dict, method: str, gateway_name: str) -> Order:
    items = cart_service.items(buyer.cart)
    if not items:
        raise CheckoutError("장바구니가 비어 있습니다.")
    inactive = [i.product.title for i in items if not i.product.active]
    if inactive:
        raise CheckoutError("판매가 중지된 상품이 있습니다: " + ", ".join(inactive) + ". 장바구니에서 빼 주세요.")
    short = [i.product.title for i in items if i.product.stock < i.quantity]
    if short:  # an early answer; the conditional UPDATE in stock.take is the real guard
        raise stock.SoldOut(short)
    # stock_reserved goes in with the INSERT: stock.take runs in this transaction, and should
    # it refuse, everything rolls back (no second UPDATE of the new row to set the flag).
    order = Order(order_no=numbers.new_order_no(), member_id=buyer.member_id, data_key_id=key_id,
                  status="pending_payment", payment_method=method, created_at=clock.now(), stock_reserved=True)
    for item in items:
        p = item.product  # the price comes from the database, never from the form
        order.lines.append(OrderLine(product_id=p.id, product_title=p.title, unit_price=p.price,
                                     quantity=item.quantity, line_total=p.price * item.quantity))
    order.subtotal_amount = sum(line.line_total for line in order.lines)
    order.shipping_fee = shipping_fee(order.subtotal_amount)
    order.total_amount = order.subtotal_amount + order.shipping_fee
    order.payments.append(Payment(member_id=buyer.member_id, gateway=gateway_name, method=method,
                                  data_key_id=key_id,
                                  attempt_key=f"{order.order_no}-1", amount=order.total_amount,
                                  status="pending", created_at=clock.now()))
    if not cart_service.take(buyer.cart, {i.product_id: i.quantity for i in items}):
        raise CheckoutError(CART_CHANGED)
    db.session.add(order)
    db.session.flush()
    record_creation(order, actor=buyer.actor)
    db.session.execute(_token_to_order(), {"b_token": token, "b_order_id": order.id})
    _delivery_request(order, delivery)
    return order


def _delivery_request(order: Order, delivery: dict) -> None:
    try:
        fulfilment.port().request(
            order, recipient_name=delivery.get("recipient_name"), recipient_phone=delivery.get("recipient_phone"),
            postcode=delivery.get("postcode"), address1=delivery.get("address1"),
            address2=delivery.get("address2"), memo=delivery.get("delivery_memo"))
    except fulfilment.FulfilmentInputError as exc:
        raise CheckoutError("배송 정보를 확인해 주세요.", {k: str(v) for k, v in exc.errors.items()})


def validate_delivery(delivery: dict) -> dict:
    """Field errors for the delivery part of the form (empty when fine), before any write."""
    return {k: str(v) for k, v in fulfilment.port().validate(**delivery).items()}
