"""Inquiry answers under races (issue 14): a compare-and-set on the inquiry's answer count.

Two staff answering one question at once, or one answer form submitted 8 times at once over
HTTP: one answer recorded, one email to the member; the others are told someone answered
meanwhile and write nothing. A later answer from a fresh page is still welcome. SQLite and
PostgreSQL alike.
"""
from __future__ import annotations

import re
import threading

from sentem.extensions import db
from sentem.notify import outbox
from sentem.support import inquiries
from sentem.support.models import Inquiry, InquiryAnswer
from tests.admin.builders import make_staff
from tests.builders import make_member
from tests.races import TIMEOUT, LiveClient, errors, race
from tests.support.builders import make_inquiry

N = 8


def _answers(inquiry_id: int) -> list[str]:
    rows = db.session.execute(db.select(InquiryAnswer).filter_by(inquiry_id=inquiry_id)
                              .order_by(InquiryAnswer.id)).scalars()
    return [a.body for a in rows]


def test_staff_answering_one_question_at_once_record_one_answer_and_one_email(app):
    member = make_member()
    member_id, inquiry_id = member.id, make_inquiry(member, category="delivery").id
    db.session.remove()

    def answer(i):
        return lambda inquiry: inquiries.answer(inquiry, f"답변 {i}", staff_id=None)

    results = race(app, [answer(i) for i in range(N)], prepare=lambda: db.session.get(Inquiry, inquiry_id))

    assert errors(results, inquiries.AnswerConflict) == []
    won = [r for r in results if isinstance(r, InquiryAnswer)]
    assert len(won) == 1
    assert all(inquiries.ANSWERED_MEANWHILE in r.errors["body"] for r in results if isinstance(r, Exception))
    inquiry = db.session.get(Inquiry, inquiry_id)
    assert inquiry.status == "answered" and inquiry.answer_count == 1
    assert len(_answers(inquiry_id)) == 1
    assert len(outbox.messages(category="inquiry_answer", member_id=member_id)) == 1


def test_one_answer_form_submitted_8_times_over_http_records_it_once(app, live_server):
    member = make_member()
    inquiry_id = make_inquiry(member, category="delivery").id
    browser = LiveClient(live_server)
    browser.login_staff(make_staff("support_staff"))
    page = f"/admin/inquiries/{inquiry_id}"
    html = browser.get(page).body
    form = {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1),
            "seen": re.search(r'name="seen"[^>]*value="([^"]*)"', html).group(1), "body": "내일 도착합니다."}
    barrier, replies = threading.Barrier(N), []

    def submit():
        barrier.wait(timeout=TIMEOUT)
        replies.append(browser.request("POST", f"{page}/answer", form))

    threads = [threading.Thread(target=submit, daemon=True) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=TIMEOUT)
    assert sorted(r.status for r in replies) == [302] + [409] * (N - 1)
    assert all("다른 직원이 방금 이 문의에 답변했습니다" in r.body for r in replies if r.status == 409)
    db.session.expire_all()
    assert _answers(inquiry_id) == ["내일 도착합니다."]
    assert len(outbox.messages(category="inquiry_answer", member_id=member.id)) == 1


def test_a_stale_form_is_refused_and_a_fresh_one_adds_a_follow_up(client):
    from tests.admin.builders import staff_login

    member = make_member()
    inquiry = make_inquiry(member, category="delivery")
    staff_login(client, make_staff("support_staff"))
    page = client.get(f"/admin/inquiries/{inquiry.id}").get_data(as_text=True)
    assert re.search(r'name="seen"[^>]*value="0"', page)
    assert client.post(f"/admin/inquiries/{inquiry.id}/answer", data={"body": "첫 답변", "seen": "0"}).status_code == 302
    stale = client.post(f"/admin/inquiries/{inquiry.id}/answer", data={"body": "같은 화면의 두 번째", "seen": "0"})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "다른 직원이 방금" in html
    assert "첫 답변" in html and "같은 화면의 두 번째" in html  # the answer shown, the typed text kept
    assert re.search(r'name="seen"[^>]*value="1"', html)
    assert client.post(f"/admin/inquiries/{inquiry.id}/answer", data={"body": "추가 답변", "seen": "1"}).status_code == 302
    for odd in ("", "x", "-1", "9" * 40, "１"):  # odd or missing values: read the count now, never a 500
        resp = client.post(f"/admin/inquiries/{inquiry.id}/answer", data={"body": f"답변{odd!r}", "seen": odd})
        assert resp.status_code in (302, 409)
    db.session.expire_all()
    assert _answers(inquiry.id)[:2] == ["첫 답변", "추가 답변"]
    assert db.session.get(Inquiry, inquiry.id).answer_count == len(_answers(inquiry.id))
