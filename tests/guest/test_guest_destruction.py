"""A guest order's personal data is destroyed at 5 years + 5 days, by the retention engine.

Orderer items and the delivery request are sealed under the order's own data key: the
sweep deletes the orderer row, shreds the key (the ledger says so), and the order's own
expiry deletes the rest. Afterwards no database file (SQLite) or dump (PostgreSQL) holds
any of the guest's plaintext. Runs in both suite set-ups.
"""
from __future__ import annotations

import datetime as _dt

from sentem import clock
from sentem.extensions import db
from sentem.orders import services as order_services
from sentem.orders.guest_models import GuestOrder
from sentem.orders.models import Order
from sentem.privacy.retention.models import DestructionLedger
from tests.guest.builders import ORDERER, order_as_guest
from tests.orders.builders import DELIVERY, make_product
from tests.retention import proofkit, scan

NEEDLES = sorted({ORDERER["orderer_name"], ORDERER["orderer_email"], "010-9876-5432", DELIVERY["recipient_name"],
                  DELIVERY["address1"], DELIVERY["address2"]})


def _run(app, day: _dt.date) -> str:
    return proofkit.run_retention(app, day)


def _completed_guest_order(client) -> Order:
    order_as_guest(client, (make_product(), 1))
    order = Order.query.one()
    for to in ("preparing", "shipped", "delivered", "completed"):
        order_services.transition(order, to, actor="system")
    db.session.commit()
    return order


def test_guest_records_are_kept_5_years_then_destroyed_with_a_ledger_row(app, client):
    order = _completed_guest_order(client)
    key_id, order_no, placed = order.data_key_id, order.order_no, clock.today()

    _run(app, clock.add_years(placed, 5) - _dt.timedelta(days=1))
    assert GuestOrder.query.count() == 1 and not proofkit.key_is_gone(key_id)  # kept for the 5 years

    _run(app, clock.add_years(placed, 5) + _dt.timedelta(days=5))
    db.session.expire_all()
    assert GuestOrder.query.count() == 0 and Order.query.filter_by(order_no=order_no).count() == 0
    assert proofkit.key_is_gone(key_id)
    ledger = {(r.record_class, r.action): r.count for r in DestructionLedger.query.all()}
    assert ledger.get(("guest_order", "expire")) == 1
    assert ledger.get(("orders", "expire")) == 1
    assert proofkit.hits(proofkit.readable_plaintexts(), NEEDLES) == []
    assert scan.find(scan.stored_bytes(app), NEEDLES) == []


def test_an_unsettled_or_held_guest_order_is_not_destroyed(app, client):
    from sentem.privacy.retention import services as retention

    order = _completed_guest_order(client)
    retention.place_hold("guest_order", order.order_no, "분쟁 조정 중", staff_id=None)
    db.session.commit()
    _run(app, clock.add_years(clock.today(), 5) + _dt.timedelta(days=5))
    assert GuestOrder.query.count() == 1 and not proofkit.key_is_gone(order.data_key_id)
