"""Proof: a withdrawn member is gone from every stored byte; the archive keeps (then
destroys) the transaction records; old backups cannot be read; the ledger says so."""
from __future__ import annotations

import datetime as _dt
import shutil
import sqlite3

import pytest
from sqlalchemy import func, select

from sentem import clock
from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.myinfo import withdrawal
from sentem.orders import services as order_services
from sentem.privacy.registry import REGISTRY
from sentem.privacy.retention import archive
from sentem.privacy.retention.models import ArchivedRecord, DestructionLedger, Duty
from sentem.security import aead, datakeys
from tests.admin.builders import make_staff, reauth, staff_login
from tests.builders import make_member
from tests.orders.builders import checkout, make_product
from tests.retention.scan import find, member_tokens, stored_bytes

PERSON = {"login_id": "proofwithdraw77", "name": "탈퇴증명인", "email": "proof-withdraw-77@example.com",
          "mobile": "010-7777-1234", "address1": "부산광역시 해운대구 증명로 77", "address2": "증명빌딩 707호",
          "home_phone": "051-777-7777"}
DELIVERY = {"recipient_name": "증명수령인", "recipient_phone": "010-8888-4321", "postcode": "48099",
            "address1": "부산광역시 해운대구 수령로 88", "address2": "수령빌딩 808호", "delivery_memo": "경비실"}


def _settled_order(member, delivery):
    result = checkout(member, [(make_product(), 1)], delivery=delivery)
    assert result.outcome == "paid", result.message
    order = result.order
    for to in ("preparing", "shipped", "delivered", "completed"):
        order_services.transition(order, to, actor="system")
    db.session.commit()
    return order


def _cli(runner, day: _dt.date):
    res = runner.invoke(args=["retention", "run", "--as-of", day.isoformat()])
    assert res.exit_code == 0, res.output
    return res.output


def test_withdrawn_member_is_gone_and_archive_expires(app, client, runner, tmp_path):
    m = make_member(**PERSON)
    order_no = _settled_order(m, DELIVERY).order_no
    other = make_member()  # a member who stays: untouched throughout
    other_order = _settled_order(other, dict(DELIVERY, recipient_name="남는수령인"))
    key_id, m_id, other_id, other_no = m.data_key_id, m.id, other.id, other_order.order_no
    tokens = member_tokens(key_id)
    indexes = {m.login_id_bidx, m.email_bidx, m.mobile_bidx}
    assert len(tokens) >= 10  # profile and delivery ciphertexts
    needles = set(PERSON.values()) | set(DELIVERY.values()) - {"경비실"} | tokens | indexes
    main_file = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    backup = tmp_path / "main-before.db"
    if main_file != app.config["SQLALCHEMY_DATABASE_URI"]:
        shutil.copy(main_file, backup)  # a backup of the main database before the withdrawal
    before = stored_bytes(app)
    assert find(before, [PERSON["name"]]) == []  # stored encrypted from the start
    assert find(before, list(tokens)[:3])  # the scan does see ciphertexts that are there

    withdrawal.complete(db.session.get(Member, m_id))
    db.session.commit()
    withdrawn_on = clock.today()
    out = _cli(runner, withdrawn_on + _dt.timedelta(days=5))
    assert "orders" in out and "archive_move" in out and "key_shred" in out

    hits = find(stored_bytes(app), needles)
    assert hits == [], hits[:5]
    assert db.session.get(Member, m_id) is None
    for token in list(tokens)[:5]:  # the key is gone: no copy of these ciphertexts opens again
        with pytest.raises(aead.KeyDestroyed):
            datakeys.open_token(token, "name")
    if backup.exists():  # an old backup of the main database, with today's key store
        with sqlite3.connect(backup) as conn:
            old_name = conn.execute("SELECT name_ct FROM members WHERE id = ?", (m_id,)).fetchone()[0]
        with pytest.raises(aead.KeyDestroyed):
            datakeys.open_token(old_name, "name")

    # The archive holds the transaction records, readable through the audited staff path.
    kept = {r.record_class for r in archive.lookup(order_no)}
    assert {"orders", "payments", "delivery"} <= kept
    officer = make_staff("privacy_officer")
    staff_login(client, officer)
    reauth(client, officer)
    page = client.post("/admin/retention/archive", data={"order_no": order_no, "reason": "세무조사 대응"})
    assert page.status_code == 200 and "증명수령인" in page.get_data(as_text=True)

    # retain-until + 5 days: nothing of them in the archive, and the ledger says so.
    until = max(r.retain_until for r in db.session.execute(select(ArchivedRecord).where(
        ArchivedRecord.order_no == order_no)).scalars())
    _cli(runner, clock.to_kst(until).date() + _dt.timedelta(days=5))
    assert archive.lookup(order_no) == []
    assert db.session.execute(select(func.count(ArchivedRecord.id)).where(
        ArchivedRecord.source == f"w{_duty_id(m_id)}")).scalar() == 0
    destroyed = dict(db.session.execute(select(DestructionLedger.record_class, func.sum(DestructionLedger.count))
                                        .where(DestructionLedger.action == "archive_destroy")
                                        .group_by(DestructionLedger.record_class)).all())
    assert destroyed.get("orders", 0) >= 1 and destroyed.get("delivery", 0) >= 1
    # The member who stayed: their settled 5-year-old order expired as the registry says.
    assert REGISTRY.record_class("orders").retention.years == 5
    assert db.session.get(Member, other_id) is not None
    from sentem.orders.models import Order
    assert db.session.execute(select(Order).filter_by(order_no=other_no)).scalar() is None
    expired = db.session.execute(select(func.sum(DestructionLedger.count)).where(
        DestructionLedger.record_class == "orders", DestructionLedger.action == "expire")).scalar()
    assert expired >= 1


def _duty_id(member_id: int) -> int:
    return db.session.execute(select(Duty.id).filter_by(kind="withdrawal", subject_ref=str(member_id))).scalar()


def test_never_withdrawn_orders_older_than_five_years(app, runner):
    stays = make_member()
    stays_id = stays.id
    clock.freeze("2020-03-02T01:00:00+00:00")
    old = _settled_order(stays, DELIVERY).order_no
    clock.freeze("2024-06-02T01:00:00+00:00")
    recent = _settled_order(stays, DELIVERY).order_no
    clock.freeze("2026-11-28T01:00:00+00:00")
    _cli(runner, clock.today())
    from sentem.orders.models import Order

    left = set(db.session.execute(select(Order.order_no).where(Order.member_id == stays_id)).scalars())
    assert left == {recent} and old not in left
    assert db.session.get(Member, stays_id) is not None
    assert archive.lookup(old) == []  # expiry destroys; nothing goes to the archive
