"""The consultation board: private inquiries, the privacy queue, complaint records."""
import datetime as dt

from sentem import clock
from sentem.extensions import db
from sentem.privacy.registry import REGISTRY, RIGHTS_ANSWER_DAYS
from sentem.support import inquiries
from sentem.support.models import Inquiry, InquiryAnswer
from sentem.privacy.retention.expiry import expire_batch
from tests.builders import login_as, make_member
from tests.support.builders import make_inquiry

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_member_opens_an_inquiry_and_sees_it(client):
    member = make_member()
    login_as(client, member)
    resp = client.post("/support/new", data={"category": "order", "title": "배송 문의", "body": "언제 오나요?"})
    assert resp.status_code == 302
    inquiry = db.session.query(Inquiry).one()
    assert inquiry.member_id == member.id and inquiry.queue == "general"
    assert "배송 문의" not in (inquiry.title_ct or "")  # sealed at rest
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "배송 문의" in page and "언제 오나요?" in page and "답변 대기" in page
    assert "배송 문의" in client.get("/support").get_data(as_text=True)


def test_bad_input_keeps_what_was_typed(client):
    login_as(client, make_member())
    resp = client.post("/support/new", data={"category": "nonsense", "title": "", "body": "남긴 내용"})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "제목을 입력해 주세요." in page and "문의 분류를 선택해 주세요." in page and "남긴 내용" in page
    assert db.session.query(Inquiry).count() == 0


def test_html_in_inquiries_is_inert(client):
    member = make_member()
    login_as(client, member)
    inquiry = make_inquiry(member, title=SCRIPT, body=SCRIPT)
    inquiries.answer(inquiry, SCRIPT, staff_id=None)
    for path in ("/support", f"/support/{inquiry.id}"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page


def test_someone_elses_inquiry_is_404(client):
    owner, other = make_member(), make_member()
    inquiry = make_inquiry(owner)
    login_as(client, other)
    assert client.get(f"/support/{inquiry.id}").status_code == 404
    assert client.get("/support/999999").status_code == 404


def test_anonymous_visitors_see_contacts_and_are_sent_to_login(client):
    page = client.get("/support").get_data(as_text=True)
    assert "1544-2755" in page and "1544-7058" in page and "경영지원팀" in page and "/login" in page
    resp = client.get("/support/new")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert client.get("/support/1").status_code == 302


def test_privacy_inquiry_goes_to_the_officer_queue_with_the_clock(app):
    member = make_member()
    inquiry = make_inquiry(member, category="privacy")
    assert inquiry.queue == "privacy"
    assert inquiry.due_at == clock.now() + dt.timedelta(days=RIGHTS_ANSWER_DAYS)
    assert inquiries.queue("privacy") == [inquiry] and inquiries.queue("general") == []
    clock.advance(days=RIGHTS_ANSWER_DAYS, minutes=1)
    assert inquiries.overdue() == [inquiry]
    inquiries.answer(inquiry, "처리했습니다.", staff_id=None)
    assert inquiries.overdue() == [] and inquiry.status == "answered"


def test_no_attachments_are_accepted(client):
    import io

    login_as(client, make_member())
    resp = client.post("/support/new", data={"category": "other", "title": "t", "body": "b",
                                             "file": (io.BytesIO(b"MZ\x90\x00"), "x.exe")},
                       content_type="multipart/form-data")
    assert resp.status_code == 302
    assert not hasattr(Inquiry, "attachment")


def test_dispute_blocks_withdrawal_until_answered(app):
    member = make_member()
    inquiry = make_inquiry(member, category="order", dispute=True)
    assert any("분쟁" in r for r in REGISTRY.open_obligations(member.id))
    inquiries.answer(inquiry, "환불해 드렸습니다.", staff_id=None)
    assert not any("분쟁" in r for r in REGISTRY.open_obligations(member.id))


def test_complaint_record_class(app):
    rc = REGISTRY.record_class("complaint_record")
    assert rc.retention.years == 3 and rc.on_withdrawal == "archive" and "제6조" in rc.legal_basis_ko
    member, other = make_member(), make_member()
    inquiry = make_inquiry(member, title="제목1", body="본문1")
    inquiries.answer(inquiry, "답변1", staff_id=None)
    keep = make_inquiry(other)
    rows = rc.export(member.id)
    assert rows[0]["상담 제목"] == "제목1" and rows[0]["상담 답변"] == "답변1"
    archived = rc.collect_archive(member.id)
    assert archived[0].record_class == "complaint_record" and archived[0].payload["상담 내용"] == "본문1"
    assert archived[0].occurred_at == inquiry.answered_at
    assert rc.destroy(member.id) == 1
    db.session.commit()
    assert db.session.query(Inquiry).filter_by(member_id=member.id).count() == 0
    assert db.session.query(InquiryAnswer).count() == 0
    assert db.session.get(Inquiry, keep.id) is not None


def test_complaint_records_expire_three_years_after_the_answer(app):
    member = make_member()
    old = make_inquiry(member)
    inquiries.answer(old, "답변", staff_id=None)
    unanswered = make_inquiry(member)
    old_id, unanswered_id = old.id, unanswered.id
    rc = REGISTRY.record_class("complaint_record")
    assert expire_batch(rc, clock.now() + dt.timedelta(days=365 * 3 - 2), 100) == 0
    assert expire_batch(rc, clock.now() + dt.timedelta(days=365 * 3 + 2), 100) == 1
    db.session.commit()
    db.session.expunge_all()
    assert db.session.get(Inquiry, old_id) is None and db.session.get(Inquiry, unanswered_id) is not None


def test_member_is_told_an_answer_is_waiting_without_its_text(app):
    from sentem.notify import outbox

    member = make_member()
    inquiry = make_inquiry(member)
    inquiries.answer(inquiry, "비밀스러운 답변 내용", staff_id=None)
    msgs = outbox.messages(category="inquiry_answer", member_id=member.id)
    assert len(msgs) == 1 and f"/support/{inquiry.id}" in msgs[0]["body"]
    assert "비밀스러운" not in msgs[0]["body"]


def test_no_500_on_odd_requests(client):
    login_as(client, make_member())
    for path in ("/support/abc", "/notices/abc", "/privacy/versions/abc", "/privacy/versions/-1",
                 "/marketing/opt-out/%00", "/marketing/opt-out/" + "a" * 3000, "/support/0"):
        assert client.get(path).status_code in (400, 404), path
    resp = client.post("/support/new", data={"category": "order", "title": "t" * 201, "body": "b" * 5001})
    assert resp.status_code == 400 and "200자" in resp.get_data(as_text=True)
