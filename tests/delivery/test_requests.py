"""Delivery requests at checkout, the default address and tracking info."""
import pytest

from sentem.delivery import services
from sentem.delivery.models import DeliveryRequest
from sentem.extensions import db
from tests.builders import make_member
from tests.orders.builders import make_paid_order


def test_checkout_creates_an_encrypted_snapshot(app):
    member = make_member()
    order = make_paid_order(member)
    req = services.request_for(order)
    assert req is not None and req.recipient_name == "홍길동"
    assert req.recipient_phone == "010-1234-5678" and req.postcode == "06236"
    assert "테헤란로" not in (req.address1_ct or "")
    assert req.data_key_id == member.data_key_id


def test_create_request_refuses_bad_input_and_writes_nothing(app):
    member = make_member()
    order = make_paid_order(member)
    db.session.execute(db.delete(DeliveryRequest))
    db.session.commit()
    with pytest.raises(services.DeliveryInputError) as err:
        services.create_request(order, recipient_name="", recipient_phone="12345", postcode="1234",
                                address1="서울", address2=None, memo="가" * 5000)
    assert set(err.value.errors) == {"recipient_name", "recipient_phone", "postcode", "delivery_memo"}
    assert "200자" in str(err.value.errors["delivery_memo"])
    assert services.request_for(order) is None


def test_default_address_none_without_book(app):
    member = make_member()
    assert services.default_address(member.id) is None


def test_tracking_for_new_order(app):
    member = make_member()
    order = make_paid_order(member)
    info = services.tracking_for(order)
    assert info["tracking_no"] is None
    assert [h["kind"] for h in info["history"]] == ["requested"]
    assert info["can_change_address"] is True
