"""The gateway's payment key and the card approval number lead back to the buyer (at the PG,
at the card company): they are sealed under the order's key and the day key of the payment's
5-year end, so a copy taken while the order was kept opens with nothing once that day is over
— while the member stays."""
from __future__ import annotations

import datetime as _dt

import pytest
from sqlalchemy import select, text

from sentem import clock
from sentem.extensions import db
from sentem.orders import services as order_services
from sentem.orders.models import Payment
from sentem.privacy.retention.sweep import sweep
from sentem.security import aead, datakeys, expiring
from sentem.security.keystore import DataKey
from tests.builders import make_member
from tests.orders.builders import checkout, make_product


def test_payment_key_and_approval_number_are_sealed_and_die_with_their_day(app):
    member = make_member()  # stays a member throughout
    order = checkout(member, [(make_product(), 1)]).order
    payment = order.latest_payment
    assert payment.status == "approved" and payment.gateway_ref
    ref, approval, payment_id = payment.gateway_ref, payment.approval_no, payment.id
    raw = db.session.execute(text("SELECT gateway_ref_ct, approval_no_ct FROM payments WHERE id = :id"),
                             {"id": payment.id}).one()
    assert aead.is_token(raw[0]) and ref not in raw[0]  # nothing of the key in the stored column
    assert approval is None and raw[1] is None  # the test gateway gives none (Toss's: test_toss_payments)
    label = db.session.execute(select(DataKey.label).where(DataKey.id == payment.day_key_id)).scalar_one()
    assert expiring.parse_label(label) == ("until", clock.add_years(clock.today(), 5))
    copied = raw[0]  # what a backup taken today holds

    for to in ("preparing", "shipped", "delivered", "completed"):
        order_services.transition(order, to, actor="system")
    db.session.commit()
    assert datakeys.open_token(copied, "payment_key").decode() == ref  # readable while kept

    past = clock.start_of_day(clock.add_years(clock.today(), 5) + _dt.timedelta(days=6))
    summary = sweep(as_of=past)
    assert not summary.errors
    assert db.session.execute(select(Payment).filter_by(id=payment_id)).first() is None
    with pytest.raises(aead.KeyDestroyed):
        datakeys.open_token(copied, "payment_key")
