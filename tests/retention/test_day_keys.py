"""Day keys (issue 13, gap 2): a record that ends while its member stays is sealed under
the member's key and its retain-until day's key. The sweep shreds a day's key once the
day is over — never taking a record that is still kept (a dispute hold, an unanswered
inquiry) with it — and seals rows written before day keys under theirs."""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import select

from sentem import clock
from sentem.accounts.history import LoginEvent
from sentem.delivery.models import DeliveryRequest
from sentem.extensions import db
from sentem.orders import services as order_services
from sentem.privacy.retention import services
from sentem.privacy.retention.models import DestructionLedger
from sentem.privacy.retention.sweep import sweep
from sentem.security import aead, datakeys, expiring
from sentem.security.keystore import DataKey
from sentem.support import inquiries
from sentem.support.models import Inquiry
from tests.builders import make_member
from tests.orders.builders import checkout, make_product
from tests.support.builders import make_inquiry

DELIVERY = {"recipient_name": "보류수령인", "recipient_phone": "010-2222-4444", "postcode": "04524",
            "address1": "서울특별시 중구 세종대로 110", "address2": "보류동 1호", "delivery_memo": "문앞"}


def _label(key_id: int) -> str | None:
    return db.session.execute(select(DataKey.label).where(DataKey.id == key_id)).scalar_one_or_none()


def _shreds() -> int:
    return sum(r.count for r in db.session.execute(select(DestructionLedger).filter_by(
        action="expiry_key_shred")).scalars())


def test_a_held_delivery_outlives_its_day_key_readable_and_goes_once_released(app):
    member = make_member()
    order = checkout(member, [(make_product(), 1)], delivery=DELIVERY).order
    for to in ("preparing", "shipped", "delivered", "completed"):
        order_services.transition(order, to, actor="system")
    hold = services.place_hold("delivery", order.order_no, "소비자 분쟁 조정 중")
    request = db.session.execute(select(DeliveryRequest).filter_by(order_id=order.id)).scalar_one()
    first_key, request_id = request.day_key_id, request.id
    kind, day = expiring.parse_label(_label(first_key))
    assert kind == "until" and day == clock.add_years(clock.today(), 5)

    past = clock.start_of_day(day + _dt.timedelta(days=6))
    summary = sweep(as_of=past)
    assert not summary.errors and _label(first_key) is None  # the day's key is shredded …
    request = db.session.get(DeliveryRequest, request_id)
    assert request.recipient_name == "보류수령인"  # … but the held record was sealed under a later day first
    assert request.day_key_id != first_key and expiring.parse_label(_label(request.day_key_id))[1] >= past.date()

    services.release_hold(hold.id)
    sweep(as_of=past + _dt.timedelta(days=1))
    assert db.session.get(DeliveryRequest, request_id) is None


def test_an_unanswered_inquiry_keeps_its_asking_days_key_and_the_answer_moves_it(app):
    member = make_member()
    inquiry = make_inquiry(member, title="열린 문의", body="아직 답이 없습니다")
    open_key, inquiry_id = inquiry.day_key_id, inquiry.id
    assert expiring.parse_label(_label(open_key)) == ("open", clock.today())

    sweep(as_of=clock.now() + _dt.timedelta(days=40))  # the day is long over, the question still open
    assert _label(open_key) is not None and _shreds() == 0
    assert db.session.get(Inquiry, inquiry_id).body == "아직 답이 없습니다"

    clock.advance(days=40)
    inquiries.answer(db.session.get(Inquiry, inquiry_id), "첫 답변", staff_id=None)
    first_until = db.session.get(Inquiry, inquiry_id).day_key_id
    assert expiring.parse_label(_label(first_until)) == ("until", clock.add_years(clock.today(), 3))
    sweep(as_of=clock.now() + _dt.timedelta(days=1))
    assert _label(open_key) is None and _shreds() >= 1  # nothing left under it: copies from before die

    clock.advance(days=10)  # a second answer: the 3 years now count from it, for question and answers
    inquiries.answer(db.session.get(Inquiry, inquiry_id), "두 번째 답변", staff_id=None)
    inquiry = db.session.get(Inquiry, inquiry_id)
    assert inquiry.day_key_id != first_until
    assert {a.day_key_id for a in inquiry.answers} == {inquiry.day_key_id}
    assert {aead.key_id(t) for t in (inquiry.title_ct, *(a.body_ct for a in inquiry.answers))} == {
        f"x{inquiry.day_key_id}.k{member.data_key_id}"}
    sweep(as_of=clock.start_of_day(clock.add_years(clock.today(), 3) - _dt.timedelta(days=3)))
    assert _label(first_until) is None  # the first answer's end passed with nothing under it
    assert [a.body for a in db.session.get(Inquiry, inquiry_id).answers] == ["첫 답변", "두 번째 답변"]


def test_values_sealed_before_day_keys_still_open_and_the_sweep_seals_them_under_theirs(app):
    member = make_member()
    old = LoginEvent(kind="login", member_id=member.id, data_key_id=member.data_key_id, at=clock.now())
    old.ip_ct = datakeys.seal(member.data_key_id, "198.51.100.23", "login_ip")  # as written before
    db.session.add(old)
    db.session.commit()
    assert old.day_key_id is None and old.ip == "198.51.100.23"

    summary = sweep(as_of=clock.now())
    assert not summary.errors
    old = db.session.get(LoginEvent, old.id)
    assert old.day_key_id is not None and old.ip == "198.51.100.23"
    assert aead.key_id(old.ip_ct) == f"x{old.day_key_id}.k{member.data_key_id}"


def test_a_dry_run_counts_day_keys_due_and_shreds_nothing(app):
    member = make_member()
    event = LoginEvent(kind="login", member_id=member.id, data_key_id=member.data_key_id, at=clock.now())
    event.ip = "198.51.100.24"
    db.session.add(event)
    db.session.commit()
    later = clock.start_of_day(clock.add_years(clock.today(), 5) + _dt.timedelta(days=2))
    summary = sweep(as_of=later, dry_run=True)
    assert summary.counts[("keys", "expiry_key_shred")] >= 1
    assert _label(event.day_key_id) is not None and db.session.get(LoginEvent, event.id).ip == "198.51.100.24"


def test_a_deactivated_staff_account_moves_to_the_day_its_3_years_end_and_goes_then(app):
    from sentem.staff import services as staff_services
    from sentem.staff.models import Staff
    from tests.admin.builders import make_staff

    make_staff("privacy_officer")  # the shop keeps an officer
    staff, _, secret = make_staff("order_staff", name="퇴사직원")
    open_key, staff_id = staff.day_key_id, staff.id
    assert expiring.parse_label(_label(open_key)) == ("open", clock.today())
    staff_services.deactivate(staff, actor_id=None)
    staff = db.session.get(Staff, staff_id)
    end = clock.add_years(clock.today(), 3)
    assert expiring.parse_label(_label(staff.day_key_id)) == ("until", end)
    assert aead.key_id(staff.name_ct) == f"x{staff.day_key_id}.m1" and staff.totp_secret == secret

    until_key = staff.day_key_id
    for days in (6, 7, 8):  # the revocation record names it till the same day: it goes a run later
        summary = sweep(as_of=clock.start_of_day(end + _dt.timedelta(days=days)))
        assert not summary.errors
    assert db.session.get(Staff, staff_id) is None and _label(until_key) is None


def test_the_sweep_makes_the_coming_days_keys_so_writers_only_read_them(app):
    from sqlalchemy import func

    from sentem.accounts import history

    member = make_member()
    sweep(as_of=clock.now())
    day_keys = select(func.count(DataKey.id)).where(DataKey.kind == expiring.KIND)
    made = db.session.execute(day_keys).scalar_one()
    for days in (0, 1, 2):  # today and the next two days: a login, an inquiry and its answer
        with clock.frozen_at(clock.now() + _dt.timedelta(days=days)):
            history.record("login", member, ip="198.51.100.25", user_agent="pytest")
            inquiry = make_inquiry(member, title="미리 만든 키", body="본문")
            inquiries.answer(inquiry, "답변", staff_id=None)
    assert db.session.execute(day_keys).scalar_one() == made


def test_every_ledger_method_fits_its_column():  # PostgreSQL refuses what SQLite stores
    from sentem.privacy.retention import ledger

    assert max(len(m) for m in ledger.METHODS.values()) <= DestructionLedger.__table__.c.method.type.length
