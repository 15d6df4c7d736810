"""Registry entries for guest orders (비회원 주문): items, the ``guest_order`` class, its expiry.

Guest orderers consent on the checkout page to this class (purposes: order, payment,
delivery, complaint handling). 전자상거래법 시행령 §6 keeps transaction records 5 years;
then ``expire_guest_orders`` deletes the orderer row and shreds the order's data key
(which also leaves its delivery request unreadable) — the retention engine calls it,
records the ledger row and owes it within the destruction deadline. It runs before
the orders' own expiry (``order``), which then deletes the order with its rows.
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import delete, select

from ..extensions import db
from ..privacy.registry import DESTRUCTION_DEADLINE_DAYS, REGISTRY, Declarations, Item, Purpose, RecordClass
from ..security import datakeys
from .guest_models import GuestOrder
from .models import Order
from .records import CANCELLATIONS, FIVE_YEARS, LEGAL_EN, LEGAL_KO, ORDERS, PAYMENTS, SETTLED

DECLARE = Declarations()  # applied by the package's init_app

GUEST_ORDER = "guest_order"
PURPOSES = ("contract", "payment", "delivery", "complaints")
# What the guest is asked to give beyond the orderer items (declared by delivery).
DELIVERY_ITEMS = ("recipient_name", "recipient_phone", "delivery_postcode", "delivery_address1",
                  "delivery_address2", "delivery_memo")

DECLARE.purpose(Purpose("complaints", "민원 처리(주문 문의·분쟁 대응)", "Handling complaints and disputes"))
for _item in (
    Item("guest_orderer_name", "주문자 이름(비회원)", "Orderer's name (guest)", PURPOSES, required=True,
         collected_via="guest_order", record_class=GUEST_ORDER),
    Item("guest_orderer_phone", "주문자 휴대전화번호(비회원)", "Orderer's mobile number (guest)", PURPOSES,
         required=True, collected_via="guest_order", record_class=GUEST_ORDER),
    Item("guest_orderer_email", "주문자 이메일(비회원)", "Orderer's email (guest)", PURPOSES, required=True,
         collected_via="guest_order", record_class=GUEST_ORDER),
    Item("guest_order_password", "주문 비밀번호(비회원, 일방향 암호화)", "Order password (guest, hashed)",
         ("contract",), required=True, encrypted=False, hashed=True, collected_via="guest_order",
         record_class=GUEST_ORDER),
):
    DECLARE.item(_item)


def consent_items() -> tuple[str, ...]:
    """Every item a guest checkout collects: the orderer's and the delivery request's."""
    return ("guest_orderer_name", "guest_orderer_phone", "guest_orderer_email", "guest_order_password",
            *DELIVERY_ITEMS)


def consent_view(lang: str = "ko") -> dict:
    """The guest checkout's consent block, read from the registry (PIPA Art. 15②): purposes,
    items, retention with its legal basis, and what refusing means."""
    en = lang == "en"
    rc = REGISTRY.record_classes[GUEST_ORDER]
    label = "label_en" if en else "label_ko"
    years = rc.retention.years
    basis = rc.legal_basis_en if en else rc.legal_basis_ko
    if en:
        retention = (f"{years} years from the order as a transaction record ({basis}); destroyed within "
                     f"{DESTRUCTION_DEADLINE_DAYS} days after that")
        refusal = "You may refuse; without this consent a guest order cannot be placed (you may sign up instead)."
    else:
        retention = f"주문일부터 {years}년(거래 기록, {basis}) 보관 후 {DESTRUCTION_DEADLINE_DAYS}일 이내 파기"
        refusal = "동의를 거부할 수 있으며, 거부하면 비회원 주문을 할 수 없습니다(회원가입 후 주문할 수 있습니다)."
    return {"title": rc.label_en if en else rc.label_ko,
            "purposes": [getattr(REGISTRY.purposes.get(p), label, p) for p in PURPOSES],
            "collected": [getattr(REGISTRY.items.get(i), label, i) for i in consent_items()],
            "retention": retention, "refusal": refusal}


def expire_guest_orders(cutoff: _dt.datetime, held: frozenset[str], batch_size: int) -> int:
    """Destroy the orderer of settled guest orders made before ``cutoff`` and shred each order's
    data key (its delivery request with it); held order numbers stay. No commit."""
    query = (select(GuestOrder.id, GuestOrder.data_key_id).join(Order, Order.id == GuestOrder.order_id)
             .where(Order.created_at < cutoff, Order.status.in_(SETTLED)))
    if held:
        query = query.where(Order.order_no.notin_(sorted(held)))
    rows = db.session.execute(query.order_by(GuestOrder.id).limit(batch_size)).all()
    if not rows:
        return 0
    db.session.execute(delete(GuestOrder).where(GuestOrder.id.in_([r.id for r in rows]))
                       .execution_options(synchronize_session=False))
    for row in rows:
        datakeys.shred(row.data_key_id)
    return len(rows)


def _no_member_rows(_member_id: int) -> int:
    return 0  # guest orders belong to no member: a member's withdrawal leaves them alone


DECLARE.record_class(RecordClass(
    key=GUEST_ORDER, label_ko="비회원 주문 기록(주문자 정보)", label_en="Guest order records (orderer details)",
    items=("guest_orderer_name", "guest_orderer_phone", "guest_orderer_email", "guest_order_password"),
    legal_basis_ko=LEGAL_KO, legal_basis_en=LEGAL_EN, retention=FIVE_YEARS, on_withdrawal="destroy",
    destroy=_no_member_rows, expire=expire_guest_orders, models=(GuestOrder,), order=39, holdable=True,
    cascades=(ORDERS, PAYMENTS, CANCELLATIONS, "delivery"),
))
