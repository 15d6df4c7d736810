"""Registry entries for delivery data: what is collected through delivery requests, why,
on what legal basis and for how long, with the functions that export, archive and destroy it.

- ``delivery``: the supply records (재화 등의 공급에 관한 기록) — delivery request snapshot,
  shipments, status history, return pickups. 5 years (전자상거래법 시행령 제6조); archived
  on withdrawal.
- ``address_book``: the member's saved addresses, kept until the member deletes them or
  withdraws; destroyed on withdrawal.
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import delete, select

from .. import clock
from ..extensions import db
from ..orders import services as orders
from ..privacy.labelled import labelled, labelled_rows
from ..privacy.registry import ArchiveItem, Declarations, Item, RecordClass, Retention
from . import carriers
from .models import DELIVERY_RETENTION, AddressBookEntry, DeliveryRequest, ReturnPickup, Shipment, ShipmentEvent

DECLARE = Declarations()  # applied by the package's init_app

DELIVERY = "delivery"
ADDRESS_BOOK = "address_book"

for _item in (
    Item("recipient_name", "수령인 이름", "Recipient name", ("delivery", "supply"), required=True,
         collected_via="delivery", record_class=DELIVERY),
    Item("recipient_phone", "수령인 연락처", "Recipient phone", ("delivery", "supply"), required=True,
         collected_via="delivery", record_class=DELIVERY),
    Item("delivery_postcode", "배송지 우편번호", "Delivery postcode", ("delivery", "supply"), required=True,
         collected_via="delivery", record_class=DELIVERY),
    Item("delivery_address1", "배송지 주소", "Delivery address", ("delivery", "supply"), required=True,
         collected_via="delivery", record_class=DELIVERY),
    Item("delivery_address2", "배송지 상세 주소", "Delivery address details", ("delivery", "supply"),
         collected_via="delivery", record_class=DELIVERY),
    Item("delivery_memo", "배송 메모", "Delivery memo", ("delivery",), collected_via="delivery",
         record_class=DELIVERY),
    Item("address_label", "배송지 이름", "Address name", ("delivery",), collected_via="delivery",
         record_class=ADDRESS_BOOK),
    Item("address_recipient_name", "배송지 목록: 받는 분", "Address book: recipient", ("delivery",),
         collected_via="delivery", record_class=ADDRESS_BOOK),
    Item("address_recipient_phone", "배송지 목록: 연락처", "Address book: phone", ("delivery",),
         collected_via="delivery", record_class=ADDRESS_BOOK),
    Item("address_postcode", "배송지 목록: 우편번호", "Address book: postcode", ("delivery",),
         collected_via="delivery", record_class=ADDRESS_BOOK),
    Item("address_address1", "배송지 목록: 주소", "Address book: address", ("delivery",),
         collected_via="delivery", record_class=ADDRESS_BOOK),
    Item("address_address2", "배송지 목록: 상세 주소", "Address book: address details", ("delivery",),
         collected_via="delivery", record_class=ADDRESS_BOOK),
):
    DECLARE.item(_item)


def _kst(value) -> str | None:
    return clock.kst_minutes(value) if value else None


def _orders_of(member_id: int) -> dict[int, str]:
    return orders.numbers_of_member(member_id)


def _related(order_ids: list[int]) -> tuple[dict, dict, dict]:
    """Shipments, events and return pickups of many orders in three queries, by order id."""
    shipments: dict[int, list] = {}
    events: dict[int, list] = {}
    pickups: dict[int, ReturnPickup] = {}
    if order_ids:
        for s in db.session.execute(select(Shipment).where(Shipment.order_id.in_(order_ids))
                                    .order_by(Shipment.id)).scalars():
            shipments.setdefault(s.order_id, []).append(s)
        for e in db.session.execute(select(ShipmentEvent).where(ShipmentEvent.order_id.in_(order_ids))
                                    .order_by(ShipmentEvent.at, ShipmentEvent.id)).scalars():
            events.setdefault(e.order_id, []).append(e)
        for p in db.session.execute(select(ReturnPickup).where(ReturnPickup.order_id.in_(order_ids))).scalars():
            pickups[p.order_id] = p
    return shipments, events, pickups


def _delivery_row(req: DeliveryRequest, order_no: str, related: tuple[dict, dict, dict],
                  personal: dict | None = None) -> dict:
    """Everything about one order's delivery, labelled in Korean, decrypted (``personal``:
    ``labelled(req)`` already opened with other rows')."""
    shipments = related[0].get(req.order_id, [])
    events = related[1].get(req.order_id, [])
    pickup = related[2].get(req.order_id)
    return {
        "주문번호": order_no,
        **(labelled(req) if personal is None else personal),
        "배송 요청 일시": _kst(req.created_at),
        "발송": "; ".join(f"{carriers.name_of(s.carrier)} {s.tracking_no} ({s.status})" for s in shipments),
        "배송 상태 이력": "; ".join(f"{_kst(e.at)} {e.kind}" for e in events),
        "반품 회수": (f"{pickup.status} ({_kst(pickup.created_at)})" if pickup else ""),
    }


def _requests_with_rows(member_id: int) -> list[tuple[DeliveryRequest, str, dict]]:
    numbers = _orders_of(member_id)
    reqs = db.session.execute(select(DeliveryRequest).filter_by(member_id=member_id)
                              .order_by(DeliveryRequest.id)).scalars().all()
    related = _related([r.order_id for r in reqs])
    return [(r, numbers.get(r.order_id, ""), _delivery_row(r, numbers.get(r.order_id, ""), related, personal))
            for r, personal in zip(reqs, labelled_rows(reqs))]


def export_delivery(member_id: int) -> list[dict]:
    """The member's delivery records, one row per order."""
    return [row for _req, _no, row in _requests_with_rows(member_id)]


def export_for_order(order) -> dict | None:
    """One order's delivery record as in the export (a guest's copy of their order), or None."""
    req = db.session.execute(select(DeliveryRequest).filter_by(order_id=order.id)).scalar_one_or_none()
    return _delivery_row(req, order.order_no, _related([order.id])) if req is not None else None


def collect_delivery_archive(member_id: int) -> list[ArchiveItem]:
    """What the law keeps for 5 years after the transaction, for the archive database."""
    return [ArchiveItem(record_class=DELIVERY, order_no=order_no or None,
                        occurred_at=clock.as_utc(r.created_at), payload=row)
            for r, order_no, row in _requests_with_rows(member_id)]


def _destroy_orders(order_ids: list[int]) -> int:
    if not order_ids:
        return 0
    count = 0
    for model in (ShipmentEvent, ReturnPickup, Shipment, DeliveryRequest):
        count += db.session.execute(delete(model).where(model.order_id.in_(order_ids))).rowcount or 0
    return count


def destroy_for_orders(order_ids: list[int]) -> int:
    """DELETE the delivery records of these orders, which are being destroyed (no commit)."""
    return _destroy_orders(list(order_ids))


def destroy_delivery(member_id: int) -> int:
    """DELETE the member's delivery records from the main database (no commit)."""
    order_ids = set(_orders_of(member_id))
    order_ids.update(db.session.execute(select(DeliveryRequest.order_id)
                                        .filter_by(member_id=member_id)).scalars())
    return _destroy_orders(sorted(order_ids))


def expire_delivery(cutoff: _dt.datetime, held: frozenset[str], batch_size: int) -> int:
    """Destroy delivery records requested before ``cutoff`` (their 5 years are over); at most
    ``batch_size`` orders. Orders whose number is ``held`` (an open dispute) are left alone."""
    query = select(DeliveryRequest.order_id).where(DeliveryRequest.created_at < cutoff)
    if held:
        query = query.where(DeliveryRequest.order_id.notin_(orders.ids_by_number(sorted(held))))
    order_ids = db.session.execute(query.order_by(DeliveryRequest.order_id).limit(batch_size)).scalars().all()
    _destroy_orders(list(order_ids))
    return len(order_ids)


def export_address_book(member_id: int) -> list[dict]:
    """The member's saved addresses."""
    entries = db.session.execute(select(AddressBookEntry).filter_by(member_id=member_id)
                                 .order_by(AddressBookEntry.id)).scalars().all()
    return [{**labelled(e), "기본 배송지": "예" if e.is_default else "아니요"} for e in entries]


def destroy_address_book(member_id: int) -> int:
    """DELETE the member's saved addresses (no commit)."""
    return db.session.execute(delete(AddressBookEntry).where(AddressBookEntry.member_id == member_id)).rowcount or 0


def expire_address_book(cutoff: _dt.datetime, held: frozenset[str], batch_size: int) -> int:
    """Saved addresses have no time limit: they end with withdrawal or the member's deletion."""
    return 0


DECLARE.record_class(RecordClass(
    key=DELIVERY,
    label_ko="배송(재화 등의 공급) 기록",
    label_en="Delivery (supply of goods) records",
    items=("recipient_name", "recipient_phone", "delivery_postcode", "delivery_address1", "delivery_address2",
           "delivery_memo"),
    legal_basis_ko="전자상거래 등에서의 소비자보호에 관한 법률 시행령 제6조 제1항 제3호 (대금결제 및 재화 등의 공급에 관한 기록)",
    legal_basis_en="Enforcement Decree of the E-Commerce Consumer Protection Act, Art. 6(1)3 "
                   "(records of payment and supply of goods)",
    retention=DELIVERY_RETENTION,
    on_withdrawal="archive",
    export=export_delivery,
    collect_archive=collect_delivery_archive,
    destroy=destroy_delivery,
    expire=expire_delivery,
    models=(DeliveryRequest, Shipment, ShipmentEvent, ReturnPickup),
    order=50,
    holdable=True,
))

DECLARE.record_class(RecordClass(
    key=ADDRESS_BOOK,
    label_ko="배송지 목록",
    label_en="Saved delivery addresses",
    items=("address_label", "address_recipient_name", "address_recipient_phone", "address_postcode",
           "address_address1", "address_address2"),
    legal_basis_ko="계약의 이행을 위하여 회원이 저장한 배송지 (개인정보 보호법 제15조 제1항 제4호)",
    legal_basis_en="Addresses the member saved for the performance of contracts (PIPA Art. 15(1)4)",
    retention=Retention(years=None, starts="withdrawal"),
    on_withdrawal="destroy",
    export=export_address_book,
    destroy=destroy_address_book,
    expire=expire_address_book,
    models=(AddressBookEntry,),
    order=55,
))
