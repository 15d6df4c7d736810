"""Withdrawal (회원 탈퇴): refused or deferred exactly while a debt is open, otherwise done at once."""
from __future__ import annotations

from sqlalchemy import select

from sentem.extensions import db
from sentem.myinfo import services
from sentem.myinfo.models import RightsRequest
from sentem.notify import outbox
from tests.builders import login_as
from tests.myinfo.builders import PASSWORD, full_member
from tests.orders.builders import make_paid_order

GOOD = {"password": PASSWORD, "confirm": "yes"}


def _duties(member_id):
    from sentem.privacy.retention.models import Duty

    return db.session.execute(select(Duty).filter_by(subject_ref=str(member_id))).scalars().all()


def test_withdrawal_done_at_once_when_nothing_is_open(client, app):
    m = full_member("wd")
    email, member_id = m.email, m.id
    login_as(client, m)
    resp = client.post("/me/withdraw", data=GOOD)
    assert resp.status_code == 200
    assert "탈퇴를 완료" in resp.get_data(as_text=True)
    db.session.expire_all()
    m = db.session.get(type(m), member_id)
    assert m.status == "withdrawn" and m.withdrawn_at is not None
    # Logged out, and the login is impossible.
    assert client.get("/me").status_code == 302
    from sentem.accounts import services as accounts

    result = accounts.authenticate(m.login_id, PASSWORD)
    assert not getattr(result, "ok", result)
    # Marketing stopped, a withdrawal record, destruction scheduled, confirmation sent.
    assert services.excluded_from_marketing(member_id, "email")
    assert services.excluded_from_marketing(member_id, "sms")
    req = db.session.execute(select(RightsRequest).filter_by(member_id=member_id, kind="withdrawal")).scalar_one()
    assert req.outcome == "done" and req.answered_at
    assert len(_duties(member_id)) == 1
    sent = outbox.messages(member_id=member_id, category="withdrawal")
    assert {msg["channel"] for msg in sent} == {"email", "sms"}
    assert any(msg["to"] == email for msg in sent)


def test_wrong_password_or_missing_confirm_is_clear(client, app):
    m = full_member("wp")
    login_as(client, m)
    resp = client.post("/me/withdraw", data={"password": "wrong-password-9", "confirm": "yes"})
    assert resp.status_code == 400 and "비밀번호가 올바르지 않습니다" in resp.get_data(as_text=True)
    resp = client.post("/me/withdraw", data={"password": PASSWORD})
    assert resp.status_code == 400 and "체크해 주세요" in resp.get_data(as_text=True)
    db.session.refresh(m)
    assert m.status == "active" and not _duties(m.id)


def test_open_order_refuses_with_the_list_then_pending_completes_when_settled(client, app):
    from sentem.myinfo.jobs import complete_pending_withdrawals_job
    from sentem.orders import cancellation

    m = full_member("open")
    order = make_paid_order(m)
    login_as(client, m)
    resp = client.post("/me/withdraw", data=GOOD)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and order.order_no in html and "진행 중인 거래" in html
    db.session.refresh(m)
    assert m.status == "active" and not _duties(m.id)

    resp = client.post("/me/withdraw", data=dict(GOOD, anyway="yes"))
    assert resp.status_code == 302
    db.session.refresh(m)
    assert m.status == "withdrawal_pending"
    assert services.excluded_from_marketing(m.id, "email")
    assert complete_pending_withdrawals_job() == 0  # still open
    # A second request while pending: clear, nothing doubled.
    resp = client.post("/me/withdraw", data=dict(GOOD, anyway="yes"))
    assert resp.status_code in (200, 400) and "이미 탈퇴를 신청" in resp.get_data(as_text=True)

    cancellation.cancel(order, actor="member")
    assert complete_pending_withdrawals_job() == 1
    db.session.expire_all()
    m = db.session.get(type(m), m.id)
    assert m.status == "withdrawn"
    reqs = db.session.execute(select(RightsRequest).filter_by(member_id=m.id, kind="withdrawal")
                              .order_by(RightsRequest.id)).scalars().all()
    # The refusal (with its legal basis), then the deferred request completed.
    assert [(r.status, r.outcome) for r in reqs] == [("answered", "refused"), ("answered", "done")]
    assert reqs[0].legal_basis and order.order_no in reqs[0].answer
    assert len(_duties(m.id)) == 1
    assert complete_pending_withdrawals_job() == 0  # idempotent
    assert client.get("/me").status_code == 302  # the old session ended


def test_repeated_withdrawal_is_clear(client, app):
    m = full_member("rep")
    login_as(client, m)
    client.post("/me/withdraw", data=GOOD)
    resp = client.post("/me/withdraw", data=GOOD)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert len(_duties(m.id)) == 1


def test_withdraw_posts_without_csrf_are_refused(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    m = full_member("csrf")
    login_as(client, m)
    resp = client.post("/me/withdraw", data=GOOD)
    assert resp.status_code == 400
    assert "보안 토큰" in resp.get_data(as_text=True)
    db.session.refresh(m)
    assert m.status == "active"


def test_pending_withdrawal_job_is_scheduled(app):
    from sentem.jobs import schedule

    names = {r.name: r for r in schedule.entries(app)}
    assert "pending-withdrawals" in names
    assert getattr(names["pending-withdrawals"].resolve(), "sentem_job", False)


def test_withdrawing_member_gets_no_marketing_and_no_statistics(app):
    from sentem.myinfo import withdrawal

    m = full_member("mkstop")
    assert not services.excluded_from_marketing(m.id, "email")
    assert withdrawal.withdraw(m, PASSWORD, "yes") == "withdrawn"
    assert services.excluded_from_marketing(m.id, "email") and not services.statistics_allowed(m.id)
    from sentem.privacy import consent

    assert m.id not in consent.member_ids_with("marketing_email")
    assert consent.current(m.id)["marketing_email"] is False


def test_pending_withdrawal_can_be_cancelled(client, app):
    m = full_member("chg")
    make_paid_order(m)
    login_as(client, m)
    client.post("/me/withdraw", data=dict(GOOD, anyway="yes"))
    db.session.refresh(m)
    assert m.status == "withdrawal_pending"
    assert "탈퇴 신청 취소" in client.get("/me/withdraw").get_data(as_text=True)
    assert client.post("/me/withdraw/cancel").status_code == 302
    db.session.refresh(m)
    assert m.status == "active"
    reqs = db.session.execute(select(RightsRequest).filter_by(member_id=m.id, status="answered",
                                                              outcome="cancelled")).scalars().all()
    assert len(reqs) == 1
    # Consents withdrawn with the request are not silently restored.
    assert services.excluded_from_marketing(m.id, "email")
    resp = client.post("/me/withdraw/cancel", follow_redirects=True)
    assert "대기 중인 탈퇴 신청이 없습니다" in resp.get_data(as_text=True)


def test_deferred_withdrawal_counts_as_answered_on_time(app):
    import datetime as _dt

    from sentem import clock
    from sentem.myinfo import withdrawal
    from sentem.myinfo.audit import rights_section
    from sentem.orders import cancellation

    start = clock.now() - _dt.timedelta(days=1)
    m = full_member("late")
    order = make_paid_order(m)
    assert withdrawal.withdraw(m, PASSWORD, "yes", anyway=True) == "pending"
    clock.advance(days=20)
    cancellation.cancel(order, actor="member")
    assert withdrawal.complete_pending() == 1
    section = rights_section(start, clock.now())
    assert section["answered_late"] == 0 and section["open_past_deadline"] == 0
