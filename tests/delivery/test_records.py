"""Registry entries for delivery data: export, archive, destroy, expire; and the byte scan."""
import datetime as _dt
import os

from sentem import clock
from sentem.delivery import addressbook, records
from sentem.delivery.models import AddressBookEntry, DeliveryRequest, Shipment, ShipmentEvent
from sentem.extensions import db
from sentem.privacy.registry import REGISTRY
from sentem.privacy.retention.expiry import expire_batch
from tests.builders import make_member
from tests.conftest import USE_PG
from tests.delivery.builders import deliver
from tests.orders.builders import make_paid_order

BOOK = {"label": "본가", "recipient_name": "성춘향", "recipient_phone": "010-5555-7777", "postcode": "55555",
        "address1": "전라북도 남원시 요천로 1447", "address2": "광한루 옆"}


def _count(model):
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar()


def test_declared_in_the_registry(app):
    delivery = REGISTRY.record_class("delivery")
    assert delivery.retention.years == 5 and delivery.on_withdrawal == "archive"
    assert "제6조" in delivery.legal_basis_ko
    book = REGISTRY.record_class("address_book")
    assert book.retention.years is None and book.on_withdrawal == "destroy"
    for model in delivery.models + book.models:
        for col in model.__table__.columns:
            item = col.info.get("personal")
            if item:
                assert REGISTRY.item(item).record_class in ("delivery", "address_book")
    for rc in (delivery, book):
        assert rc.export and rc.destroy and rc.expire


def test_export_archive_destroy(app):
    member, other = make_member(), make_member()
    order = make_paid_order(member)
    other_order = make_paid_order(other)
    deliver(order)
    addressbook.add(member, BOOK)
    rows = records.export_delivery(member.id)
    assert len(rows) == 1 and rows[0]["주문번호"] == order.order_no
    assert rows[0]["수령인 이름"] == "홍길동" and rows[0]["배송지 주소"].endswith("테헤란로 123")
    assert "CJ대한통운 123456789012" in rows[0]["발송"]
    book = records.export_address_book(member.id)
    assert book == [{"배송지 이름": "본가", "배송지 목록: 받는 분": "성춘향", "배송지 목록: 연락처": "010-5555-7777",
                     "배송지 목록: 우편번호": "55555", "배송지 목록: 주소": BOOK["address1"],
                     "배송지 목록: 상세 주소": "광한루 옆", "기본 배송지": "예"}]
    archived = records.collect_delivery_archive(member.id)
    assert [a.order_no for a in archived] == [order.order_no]
    assert archived[0].payload["수령인 연락처"] == "010-1234-5678"
    assert records.destroy_delivery(member.id) >= 4
    assert records.destroy_address_book(member.id) == 1
    db.session.commit()
    assert records.export_delivery(member.id) == [] and records.export_address_book(member.id) == []
    assert len(records.export_delivery(other.id)) == 1  # nobody else's records touched
    assert db.session.execute(db.select(DeliveryRequest).filter_by(order_id=other_order.id)).scalar_one()


def test_expire_after_five_years(app):
    member = make_member()
    old = make_paid_order(member)
    deliver(old)
    clock.advance(days=400)
    new = make_paid_order(member)
    cutoff = clock.now() + _dt.timedelta(days=5 * 365 - 200)  # old's 5 years are over, new's are not
    assert expire_batch(REGISTRY.record_class("delivery"), cutoff, 100) == 1
    db.session.commit()
    left = db.session.execute(db.select(DeliveryRequest.order_id)).scalars().all()
    assert left == [new.id]
    assert _count(Shipment) == 0
    assert db.session.execute(db.select(ShipmentEvent).filter_by(order_id=old.id)).first() is None
    assert expire_batch(REGISTRY.record_class("address_book"), cutoff, 100) == 0


def test_deleting_from_the_book_is_a_real_delete(app):
    member = make_member()
    entry = addressbook.add(member, BOOK)
    addressbook.remove(member, entry.id)
    assert _count(AddressBookEntry) == 0


SECRETS = ["테헤란로", "010-1234-5678", "01012345678", "성춘향", "요천로", "010-5555-7777", "광한루",
           "문 앞에 놓아 주세요"]


def test_no_plaintext_in_database_files(app):
    member = make_member()
    order = make_paid_order(member)
    addressbook.add(member, BOOK)
    deliver(order)
    db.session.commit()
    # Every stored row of the delivery tables, as the database returns it (both passes).
    with db.engine.connect() as conn:
        for table in ("delivery_addresses", "delivery_requests", "shipments", "shipment_events", "orders",
                      "order_events"):
            dump = repr(conn.execute(db.text(f"SELECT * FROM {table}")).all())
            for s in SECRETS:
                assert s not in dump, f"{s} in plaintext in {table}"
    if USE_PG:
        return  # no database files to read on PostgreSQL
    for engine in db.engines.values():
        engine.dispose()
    instance = app.config["SENTEM_INSTANCE_PATH"]
    secrets = SECRETS
    scanned = 0
    for root, _dirs, files in os.walk(instance):
        for name in files:
            if ".db" not in name:
                continue
            with open(os.path.join(root, name), "rb") as fh:
                data = fh.read()
            scanned += 1
            for s in secrets:
                assert s.encode("utf-8") not in data, f"{s} in plaintext in {name}"
    assert scanned >= 2


def test_expire_leaves_held_orders(app):
    from sentem.privacy.retention.services import place_hold

    member = make_member()
    held, _free = make_paid_order(member), make_paid_order(member)
    place_hold("delivery", held.order_no, "분쟁 처리 중")
    cutoff = clock.now() + _dt.timedelta(days=5 * 366)
    delivery = REGISTRY.record_class("delivery")
    assert expire_batch(delivery, cutoff, 100) == 1
    db.session.commit()
    assert db.session.execute(db.select(DeliveryRequest.order_id)).scalars().all() == [held.id]
    assert expire_batch(delivery, cutoff, 100) == 0


def test_audit_section(app):
    from sentem.privacy.access_log import record

    order = make_paid_order(make_member())
    record("shipping.view", staff_id=1, member_id=order.member_id, detail=order.order_no)
    db.session.commit()
    section = REGISTRY.audit_sections["delivery"](clock.now() - _dt.timedelta(days=1),
                                                   clock.now() + _dt.timedelta(days=1))
    assert section["ok"] and section["recipient_views"] == 1 and section["staff_who_viewed"] == 1
    clock.advance(days=5 * 366)
    section = REGISTRY.audit_sections["delivery"](clock.now() - _dt.timedelta(days=1), clock.now())
    assert not section["ok"] and section["delivery_records_past_5_years"] == 1


def test_a_hold_on_the_order_keeps_its_delivery_record(app):
    """A dispute named on the order (or a guest order) keeps the order's delivery record too."""
    from sentem.privacy.retention.services import place_hold

    member = make_member()
    on_order, on_guest, _free = make_paid_order(member), make_paid_order(member), make_paid_order(member)
    place_hold("orders", on_order.order_no, "소비자 분쟁 조정 중")
    place_hold("guest_order", on_guest.order_no, "소비자 분쟁 조정 중")
    cutoff = clock.now() + _dt.timedelta(days=5 * 366)
    assert expire_batch(REGISTRY.record_class("delivery"), cutoff, 100) == 1
    db.session.commit()
    kept = db.session.execute(db.select(DeliveryRequest.order_id).order_by(DeliveryRequest.order_id)).scalars().all()
    assert kept == sorted([on_order.id, on_guest.id])
