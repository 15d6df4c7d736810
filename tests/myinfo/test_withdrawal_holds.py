"""What a withdrawal waits for, or asks about, beyond open orders (issue 14, part 5): an
unanswered rights request or privacy inquiry keeps it pending until answered (the answer's
10-day clock keeps running), and an order still inside its return window needs the
member's confirmation that the return right ends with the account."""
from __future__ import annotations

import datetime as dt

from sentem import clock
from sentem.extensions import db
from sentem.myinfo import requests
from sentem.myinfo.jobs import complete_pending_withdrawals_job
from sentem.orders.services import transition
from sentem.support import inquiries
from tests.builders import login_as
from tests.myinfo.builders import PASSWORD, full_member, make_rights_request
from tests.orders.builders import make_paid_order
from tests.support.builders import make_inquiry

GOOD = {"password": PASSWORD, "confirm": "yes"}


def _status(member) -> str:
    db.session.expire_all()
    return db.session.get(type(member), member.id).status


def test_unanswered_rights_request_keeps_withdrawal_pending_until_answered(client, app):
    m = full_member("rq")
    req = make_rights_request(m, kind="access")
    due = req.due_at
    login_as(client, m)
    resp = client.post("/me/withdraw", data=GOOD)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "답변을 기다리는" in html
    assert f"{clock.to_kst(due):%Y-%m-%d}" in html  # told why, and until when
    assert _status(m) == "active"
    assert client.post("/me/withdraw", data=dict(GOOD, anyway="yes")).status_code == 302
    assert _status(m) == "withdrawal_pending"
    assert complete_pending_withdrawals_job() == 0  # the request is still open
    req = db.session.get(type(req), req.id)
    assert req.status == "received" and req.due_at == due  # the officer's clock keeps running
    requests.answer_request(req, staff_id=1, outcome="done", answer="사본을 보내 드렸습니다.")
    assert complete_pending_withdrawals_job() == 1
    assert _status(m) == "withdrawn"


def test_open_privacy_inquiry_keeps_withdrawal_pending_until_answered(client, app):
    m = full_member("inq")
    inquiry = make_inquiry(m, category="privacy", title="제 정보 삭제", body="어떤 정보를 갖고 있나요?")
    general = make_inquiry(m, category="other", title="영업시간", body="언제 여나요?")
    login_as(client, m)
    resp = client.post("/me/withdraw", data=GOOD)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "개인정보 문의가 1건" in html  # the general one holds nothing
    assert client.post("/me/withdraw", data=dict(GOOD, anyway="yes")).status_code == 302
    assert complete_pending_withdrawals_job() == 0
    inquiries.answer(db.session.get(type(inquiry), inquiry.id), "보유 항목을 안내드립니다.", staff_id=None, close=True)
    assert general.status == "open"
    assert complete_pending_withdrawals_job() == 1
    assert _status(m) == "withdrawn"


def test_withdrawal_inside_a_return_window_asks_first(client, app):
    m = full_member("ret")
    order = make_paid_order(m)
    for status in ("preparing", "shipped", "delivered"):
        transition(order, status, actor="staff:1")
    db.session.commit()
    login_as(client, m)
    page = client.get("/me/withdraw").get_data(as_text=True)
    assert order.order_no in page and "반품 신청 권리도 사라집니다" in page and 'name="returns_ack"' in page
    resp = client.post("/me/withdraw", data=GOOD)
    assert resp.status_code == 400 and "반품(청약철회) 기간이 남은 주문" in resp.get_data(as_text=True)
    assert _status(m) == "active"
    resp = client.post("/me/withdraw", data=dict(GOOD, returns_ack="yes"))
    assert resp.status_code == 200 and "탈퇴를 완료" in resp.get_data(as_text=True)
    assert _status(m) == "withdrawn"


def test_after_the_return_window_nothing_is_asked(client, app):
    m = full_member("late")
    order = make_paid_order(m)
    for status in ("preparing", "shipped", "delivered"):
        transition(order, status, actor="staff:1")
    db.session.commit()
    clock.freeze(clock.now() + dt.timedelta(days=30))
    login_as(client, m)
    assert "returns_ack" not in client.get("/me/withdraw").get_data(as_text=True)
    resp = client.post("/me/withdraw", data=GOOD)
    assert resp.status_code == 200 and "탈퇴를 완료" in resp.get_data(as_text=True)
