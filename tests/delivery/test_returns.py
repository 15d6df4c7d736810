"""Return shipments (청약철회): a pickup record made with the return request, collected by staff."""
import pytest

from sentem.delivery import services, shipping
from sentem.delivery.models import ReturnPickup
from sentem.extensions import db
from sentem.orders import cancellation
from tests.admin.builders import make_staff, staff_login
from tests.builders import make_member
from tests.delivery.builders import STAFF_ACTOR, deliver
from tests.orders.builders import make_paid_order


def _returned_order():
    member = make_member()
    order = make_paid_order(member)
    deliver(order)
    cancellation.request_return(order, actor=f"member:{member.id}")
    return order


def test_return_request_creates_one_pickup(app):
    order = _returned_order()
    pickups = db.session.execute(db.select(ReturnPickup).filter_by(order_id=order.id)).scalars().all()
    assert len(pickups) == 1 and pickups[0].status == "requested"
    assert services.create_return_pickup(order).id == pickups[0].id  # idempotent
    info = services.tracking_for(order)
    assert info["return_pickup"]["status"] == "requested"
    assert info["history"][-1]["kind"] == "return_requested"


def test_pickup_collected(app):
    order = _returned_order()
    with pytest.raises(shipping.ShippingError, match="CJ대한통운 송장번호"):
        shipping.mark_return_picked_up(order.order_no, "cj", "1", actor=STAFF_ACTOR)
    shipping.mark_return_picked_up(order.order_no, "cj", "555566667777", actor=STAFF_ACTOR)
    pickup = db.session.execute(db.select(ReturnPickup).filter_by(order_id=order.id)).scalar_one()
    assert pickup.status == "picked_up" and pickup.tracking_no == "555566667777"
    with pytest.raises(shipping.ShippingError, match="회수를 기다리는 반품이 없습니다"):
        shipping.mark_return_picked_up(order.order_no, "cj", "555566667777", actor=STAFF_ACTOR)


def test_staff_sees_pickup_address_until_collected(client):
    order = _returned_order()
    staff_login(client, make_staff("shipping_staff"))
    page = client.get(f"/admin/shipping/{order.order_no}").get_data(as_text=True)
    assert "테헤란로 123" in page and "do-pickup" in page
    resp = client.post(f"/admin/shipping/{order.order_no}/return_picked_up",
                       data={"carrier": "epost", "tracking_no": "1234567890123"})
    assert resp.status_code == 302
    page = client.get(f"/admin/shipping/{order.order_no}").get_data(as_text=True)
    assert "테헤란로 123" not in page and "회수 완료" in page
