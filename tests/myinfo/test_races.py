"""Withdrawals and rights answers under races: one effect however often they are sent.

The withdrawal form submitted 8 times at once (over HTTP), a pending withdrawal asked for
twice, the member's "cancel" racing the job that completes it, two staff answering one
request: each ends with exactly one record, one notice, one duty. SQLite and PostgreSQL.
"""
from sqlalchemy import select

from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.myinfo import requests as rq
from sentem.myinfo import withdrawal
from sentem.myinfo.models import RightsRequest
from sentem.myinfo.services import RightsError
from sentem.notify import outbox
from sentem.orders import cancellation
from sentem.privacy.consent import ConsentEvent
from sentem.privacy.retention.models import Duty
from tests.myinfo.builders import PASSWORD, full_member, make_rights_request
from tests.orders.builders import make_paid_order
from tests.races import LiveClient, errors, race

N = 8


def _withdrawal_requests(member_id: int) -> list[tuple]:
    return [(r.status, r.outcome) for r in db.session.execute(
        select(RightsRequest).filter_by(member_id=member_id, kind="withdrawal").order_by(RightsRequest.id)).scalars()]


def _duties(member_id: int) -> int:
    return len(db.session.execute(select(Duty).filter_by(subject_ref=str(member_id))).scalars().all())


def _notices(member_id: int, subject: str) -> int:
    return sum(subject in (m.get("subject") or "") for m in
               outbox.messages(channel="email", category="withdrawal", member_id=member_id))


def test_withdrawal_form_submitted_8_times_over_http_withdraws_once(app, live_server):
    member = full_member("race")
    member_id = member.id
    browser = LiveClient(live_server)
    browser.login(member.login_id, PASSWORD)
    form = {"csrf_token": browser.csrf("/me/withdraw"), "password": PASSWORD, "confirm": "yes"}
    db.session.remove()

    replies = race(app, [lambda: browser.request("POST", "/me/withdraw", form)] * N)

    assert errors(replies) == []
    assert all(r.status < 500 for r in replies), [r.status for r in replies]
    assert sum("탈퇴를 완료" in r.body for r in replies) == 1
    losers = [r for r in replies if "탈퇴를 완료" not in r.body]
    # Told so, or (the winner ended every session) sent to the login page.
    assert all("이미 탈퇴한 회원입니다" in r.body or "/login" in r.location for r in losers)
    assert db.session.get(Member, member_id).status == "withdrawn"
    assert _withdrawal_requests(member_id) == [("answered", "done")]
    assert _duties(member_id) == 1
    assert _notices(member_id, "회원 탈퇴 완료") == 1
    stops = db.session.execute(select(ConsentEvent).filter_by(member_id=member_id, granted=False)).scalars().all()
    assert sorted(e.kind for e in stops) == sorted({e.kind for e in stops})  # each consent withdrawn once


def test_pending_withdrawal_asked_8_times_at_once_is_recorded_once(app):
    member = full_member("pend")
    make_paid_order(member)  # an open order: the withdrawal waits for it
    member_id = member.id
    db.session.remove()

    results = race(app, [lambda m: withdrawal.withdraw(m, PASSWORD, "yes", anyway=True)] * N,
                   prepare=lambda: db.session.get(Member, member_id))

    assert errors(results, RightsError) == []
    assert results.count("pending") == 1
    assert all("이미 탈퇴를 신청" in str(r) for r in results if isinstance(r, RightsError))
    assert db.session.get(Member, member_id).status == "withdrawal_pending"
    assert _withdrawal_requests(member_id) == [("pending", "deferred")]
    assert _notices(member_id, "회원 탈퇴 신청 접수") == 1
    assert _duties(member_id) == 0


def test_cancelling_a_pending_withdrawal_while_the_job_completes_it_ends_one_way(app):
    member = full_member("flip")
    order = make_paid_order(member)
    assert withdrawal.withdraw(member, PASSWORD, "yes", anyway=True) == "pending"
    cancellation.cancel(order, actor=f"member:{member.id}")  # the open order settles
    member_id = member.id
    db.session.remove()

    results = race(app, [lambda m: withdrawal.cancel_pending(m), lambda _m: withdrawal.complete_pending()] * (N // 2),
                   prepare=lambda: db.session.get(Member, member_id))

    assert errors(results, RightsError) == []
    completed = sum(r for r in results if isinstance(r, int))
    cancelled = sum(1 for r in results if r is None)  # cancel_pending returns nothing when it wins
    assert completed + cancelled == 1
    status = db.session.get(Member, member_id).status
    if completed:
        assert status == "withdrawn" and _duties(member_id) == 1
        assert _withdrawal_requests(member_id) == [("answered", "done")]
        assert _notices(member_id, "회원 탈퇴 완료") == 1
    else:
        assert status == "active" and _duties(member_id) == 0
        assert _withdrawal_requests(member_id) == [("answered", "cancelled")]
        assert _notices(member_id, "회원 탈퇴 완료") == 0


def test_one_request_answered_by_8_staff_at_once_keeps_one_answer_and_one_notice(app):
    member = full_member("ans")
    req_id, member_id = make_rights_request(member).id, member.id
    sent_before = len(outbox.messages(channel="email", category="rights", member_id=member_id))
    db.session.remove()

    results = race(app, [lambda r, n=n: rq.answer_request(r, staff_id=100 + n, outcome="done", answer=f"답변 {n}")
                         for n in range(N)], prepare=lambda: db.session.get(RightsRequest, req_id))

    assert errors(results, RightsError) == []
    winners = [r for r in results if isinstance(r, RightsRequest)]
    assert len(winners) == 1
    assert all("이미 답변한 요청" in str(r) for r in results if isinstance(r, RightsError))
    req = db.session.get(RightsRequest, req_id)
    assert req.status == "answered" and req.answer == f"답변 {req.answered_by - 100}"
    answers = outbox.messages(channel="email", category="rights", member_id=member_id)
    assert len(answers) == sent_before + 1
