"""Ports that keep the arrows pointing down: the privacy core learns about members only
through the port ``accounts`` installs, and orders reach delivery only through the
fulfilment port ``delivery`` installs. Without them nothing is skipped: they refuse."""
from __future__ import annotations

import pytest

from sentem.extensions import db
from sentem.orders import checkout, fulfilment
from sentem.privacy import audit_checks, consent, members
from sentem.privacy.retention import services as retention
from tests.builders import make_member


def test_the_core_reads_members_through_the_installed_port(app):
    here, leaving = make_member(), make_member()
    leaving.status = "withdrawal_pending"
    db.session.commit()

    assert members.data_key_id(leaving.id) == leaving.data_key_id  # still readable while withdrawing
    assert members.is_active(here.id) and not members.is_active(leaving.id)
    assert members.active_ids([here.id, leaving.id, 999_999]) == {here.id}
    assert members.contact(999_999) is None and members.data_key_id(999_999) is None
    duty = retention.schedule_withdrawal(leaving.id)
    assert duty.key_id == leaving.data_key_id  # the key to shred, found without the members table's name
    assert here.email in audit_checks.sample_values() and leaving.email in audit_checks.sample_values()


def test_without_a_port_the_core_refuses_instead_of_guessing(app):
    member = make_member()
    port = app.extensions.pop(members.EXTENSION)
    try:
        with pytest.raises(RuntimeError, match="members port"):
            consent.record(member.id, "marketing_email", True, ip=None, user_agent=None, screen="test")
        with pytest.raises(RuntimeError, match="members port"):
            consent.member_ids_with("marketing_email")
        with pytest.raises(RuntimeError, match="members port"):
            retention.schedule_withdrawal(member.id)
        with pytest.raises(RuntimeError, match="members port"):
            audit_checks.sample_values()
    finally:
        db.session.rollback()
        members.install(app, port)


def test_orders_reach_delivery_through_the_port_delivery_installs(app):
    form = {"recipient_name": "", "recipient_phone": "010-1234-5678", "postcode": "04524",
            "address1": "서울 중구 세종대로 110", "address2": "", "delivery_memo": ""}
    assert set(checkout.validate_delivery(form)) == {"recipient_name"}  # delivery's own rules
    port = app.extensions.pop(fulfilment.EXTENSION)
    try:
        with pytest.raises(RuntimeError, match="fulfilment port"):
            checkout.validate_delivery(form)
    finally:
        fulfilment.install(app, port)
