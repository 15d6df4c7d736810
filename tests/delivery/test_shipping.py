"""The shipment workflow: order status through transition(), parcels, failures, re-sends, bulk."""
import pytest

from sentem import clock
from sentem.delivery import services, shipping
from sentem.delivery.models import Shipment, ShipmentEvent
from sentem.extensions import db
from sentem.notify import outbox
from tests.builders import make_member
from tests.delivery.builders import STAFF_ACTOR, deliver, ship
from tests.orders.builders import make_paid_order


def _count(model, **kw):
    return db.session.execute(db.select(db.func.count()).select_from(model).filter_by(**kw)).scalar()


def test_paid_to_delivered_with_history(app):
    member = make_member()
    order = make_paid_order(member)
    shipping.mark_preparing(order.order_no, actor=STAFF_ACTOR)
    assert order.status == "preparing"
    s = ship(order, carrier="cj", tracking_no="1234-5678-9012")
    assert s.tracking_no == "123456789012" and order.status == "shipped"
    clock.advance(days=1)
    shipping.mark_delivered(order.order_no, actor=STAFF_ACTOR)
    db.session.expire_all()
    assert order.status == "delivered" and order.delivered_at is not None
    changes = [(e.from_status, e.to_status, e.actor) for e in order.events if e.from_status]
    assert ("preparing", "shipped", STAFF_ACTOR) in changes and ("shipped", "delivered", STAFF_ACTOR) in changes
    info = services.tracking_for(order)
    assert info["carrier_name"] == "CJ대한통운" and info["tracking_no"] == "123456789012"
    assert info["tracking_url"].startswith("https://trace.cjlogistics.com/") and "123456789012" in info["tracking_url"]
    assert [h["kind"] for h in info["history"]] == ["requested", "preparing", "shipped", "delivered"]
    assert info["can_change_address"] is False


def test_paid_order_can_be_shipped_directly(app):
    order = make_paid_order(make_member())
    ship(order, carrier="epost", tracking_no="1234567890123")
    assert order.status == "shipped"
    tos = [e.to_status for e in order.events]
    assert tos[-2:] == ["preparing", "shipped"]


@pytest.mark.parametrize("carrier,number,message", [
    ("dhl", "123456789012", "알 수 없는 택배사"),
    ("cj", "12345", "CJ대한통운 송장번호는 숫자 10~12자리"),
    ("lotte", "12345678901", "롯데택배 송장번호는 숫자 12자리"),
    ("epost", "12345678901a", "우체국택배"),
    ("logen", "", "송장번호를 입력해 주세요"),
])
def test_bad_carrier_or_tracking_writes_nothing(app, carrier, number, message):
    order = make_paid_order(make_member())
    with pytest.raises(shipping.ShippingError, match=message):
        ship(order, carrier=carrier, tracking_no=number)
    db.session.expire_all()
    assert order.status == "paid"
    assert _count(Shipment) == 0 and _count(ShipmentEvent, kind="shipped") == 0


def test_out_of_order_changes_are_refused(app):
    order = make_paid_order(make_member())
    with pytest.raises(shipping.ShippingError, match="배송 완료로 바꿀 수 없습니다"):
        shipping.mark_delivered(order.order_no, actor=STAFF_ACTOR)
    with pytest.raises(shipping.ShippingError, match="배송 실패를 기록할 수 없습니다"):
        shipping.record_failure(order.order_no, "absent", actor=STAFF_ACTOR)
    with pytest.raises(shipping.ShippingError, match="재발송할 수 없습니다"):
        shipping.resend(order.order_no, "cj", "1234567890", actor=STAFF_ACTOR)
    ship(order)
    with pytest.raises(shipping.ShippingError, match="발송할 수 있는 상태가 아닙니다"):
        ship(order, tracking_no="999999999999")
    with pytest.raises(shipping.ShippingError, match="결제 완료 상태가 아니어서"):
        shipping.mark_preparing(order.order_no, actor=STAFF_ACTOR)
    with pytest.raises(shipping.ShippingError, match="찾을 수 없습니다"):
        shipping.mark_preparing("NO-SUCH-ORDER", actor=STAFF_ACTOR)
    db.session.expire_all()
    assert order.status == "shipped" and _count(Shipment) == 1


def test_failed_delivery_and_resend(app):
    order = make_paid_order(make_member())
    ship(order)
    with pytest.raises(shipping.ShippingError, match="사유를 목록에서"):
        shipping.record_failure(order.order_no, "whatever", actor=STAFF_ACTOR)
    shipping.record_failure(order.order_no, "absent", actor=STAFF_ACTOR)
    with pytest.raises(shipping.ShippingError, match="재발송을 먼저"):
        shipping.mark_delivered(order.order_no, actor=STAFF_ACTOR)
    shipping.resend(order.order_no, "hanjin", "9876543210", actor=STAFF_ACTOR)
    shipping.mark_delivered(order.order_no, actor=STAFF_ACTOR)
    info = services.tracking_for(order)
    assert info["carrier_name"] == "한진택배" and info["tracking_no"] == "9876543210"
    assert [s["status"] for s in info["shipments"]] == ["failed", "delivered"]
    kinds = [h["kind"] for h in info["history"]]
    assert kinds[-3:] == ["failed", "resent", "delivered"]
    assert info["history"][-3]["reason"] == "수취인 부재"


def test_bulk_reports_each_order(app):
    member = make_member()
    a, b, c = (make_paid_order(member) for _ in range(3))
    results = shipping.bulk("shipped", [a.order_no, b.order_no, c.order_no, "NOPE"], actor=STAFF_ACTOR,
                            carrier_code="logen", tracking={a.order_no: "12345678901", b.order_no: "123",
                                                            c.order_no: "10987654321"})
    assert [r["ok"] for r in results] == [True, False, True, False]
    assert "로젠택배 송장번호는 숫자 11자리" in results[1]["message"]
    db.session.expire_all()
    assert (a.status, b.status, c.status) == ("shipped", "paid", "shipped")
    results = shipping.bulk("delivered", [a.order_no, b.order_no], actor=STAFF_ACTOR)
    assert [r["ok"] for r in results] == [True, False]
    with pytest.raises(shipping.ShippingError):
        shipping.bulk("cancel", [a.order_no], actor=STAFF_ACTOR)


def test_notices_carry_no_address(app):
    member = make_member()
    order = make_paid_order(member)
    deliver(order)
    msgs = outbox.messages(member_id=member.id, category="delivery")
    assert {m["channel"] for m in msgs} == {"sms", "email"} and len(msgs) == 4
    for m in msgs:
        text = (m["subject"] or "") + m["body"]
        assert order.order_no in text and "123456789012" in text and "CJ대한통운" in text
        for private in ("테헤란로", "06236", "홍길동", "010-1234-5678", "문 앞"):
            assert private not in text
    sms_to = {m["to"] for m in msgs if m["channel"] == "sms"}
    assert sms_to == {member.mobile}


def test_no_notice_when_refused(app):
    member = make_member()
    order = make_paid_order(member)
    with pytest.raises(shipping.ShippingError):
        ship(order, tracking_no="bad")
    assert outbox.messages(member_id=member.id, category="delivery") == []


def test_unmask_window(app):
    order = make_paid_order(make_member())
    assert services.recipient_visible(order)
    deliver(order)
    assert services.recipient_visible(order)
    clock.advance(days=7, minutes=1)
    assert not services.recipient_visible(order)
