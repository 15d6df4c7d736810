"""On withdrawal the retention engine archives delivery records and destroys the address book."""
from sentem.delivery import addressbook
from sentem.delivery.models import AddressBookEntry, DeliveryRequest, Shipment, ShipmentEvent
from sentem.extensions import db
from sentem.orders.services import transition
from sentem.privacy.retention import archive
from sentem.privacy.retention.services import schedule_withdrawal
from sentem.privacy.retention.sweep import sweep
from tests.builders import make_member
from tests.delivery.builders import deliver
from tests.orders.builders import make_paid_order

BOOK = {"label": "집", "recipient_name": "성춘향", "recipient_phone": "010-5555-7777", "postcode": "55555",
        "address1": "전라북도 남원시 요천로 1447", "address2": ""}


def _count(model):
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar()


def test_withdrawal_archives_delivery_and_destroys_book(app):
    member, stays = make_member(), make_member()
    order = make_paid_order(member)
    order_no, order_id = order.order_no, order.id
    deliver(order)
    transition(order, "completed", actor="system")
    db.session.commit()
    addressbook.add(member, BOOK)
    other = make_paid_order(stays)
    addressbook.add(stays, BOOK)
    schedule_withdrawal(member.id)
    db.session.commit()
    sweep(job="test")
    db.session.expire_all()
    assert db.session.execute(db.select(DeliveryRequest.order_id)).scalars().all() == [other.id]
    assert _count(Shipment) == 0
    assert db.session.execute(db.select(ShipmentEvent).filter_by(order_id=order_id)).first() is None
    assert [e.member_id for e in db.session.execute(db.select(AddressBookEntry)).scalars()] == [stays.id]
    kept = [r for r in archive.lookup(order_no) if r.record_class == "delivery"]
    assert len(kept) == 1
    payload = archive.read_payload(kept[0])
    assert "테헤란로" in payload["배송지 주소"] and payload["주문번호"] == order_no


def test_export_json_lists_delivery_and_book(client):
    from tests.builders import login_as

    member = make_member()
    order = make_paid_order(member)
    addressbook.add(member, BOOK)
    login_as(client, member)
    resp = client.get("/me/export.json")
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    for expected in (order.order_no, "테헤란로 123", "010-1234-5678", "성춘향", "요천로 1447"):
        assert expected in text
