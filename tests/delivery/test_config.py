"""Configurable carriers and unmask window."""
import pytest

from sentem import clock
from sentem.delivery import carriers, services, shipping
from tests.builders import make_member
from tests.orders.builders import make_paid_order


@pytest.fixture
def app_config():
    return {"SENTEM_CARRIERS": [{"code": "kd", "name": "경동택배", "pattern": r"\d{9,12}",
                                 "url": "https://kdexp.example/track?no={no}", "hint": "숫자 9~12자리"},
                                {"code": "local", "name": "직접 배송"}],
            "SENTEM_SHIPPING_UNMASK_DAYS": 1}


def test_configured_carriers(app):
    assert [c.code for c in carriers.carriers()] == ["kd", "local"]
    with pytest.raises(carriers.TrackingError, match="알 수 없는 택배사"):
        carriers.normalise_tracking("cj", "123456789012")
    assert carriers.normalise_tracking("kd", "123-456-789")[1] == "123456789"
    assert carriers.normalise_tracking("local", "AB12CD34")[1] == "AB12CD34"
    with pytest.raises(carriers.TrackingError, match="영문자와 숫자"):
        carriers.normalise_tracking("local", "a/b")
    assert carriers.get("local").tracking_url("X") is None
    assert carriers.get("kd").tracking_url("1/2?") == "https://kdexp.example/track?no=1%2F2%3F"


def test_configured_unmask_window(app):
    order = make_paid_order(make_member())
    shipping.mark_shipped(order.order_no, "kd", "123456789", actor="staff:1")
    shipping.mark_delivered(order.order_no, actor="staff:1")
    clock.advance(hours=23)
    assert services.recipient_visible(order)
    clock.advance(hours=2)
    assert not services.recipient_visible(order)
