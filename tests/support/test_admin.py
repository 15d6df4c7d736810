"""Staff screens: inquiry queues and answers, notices, policy publishing, registers, campaigns."""
import datetime as dt

from sentem import clock
from sentem.extensions import db
from sentem.notify import outbox
from sentem.privacy import policy_versions, registers
from sentem.support.models import Campaign, Inquiry, Notice
from tests.admin.builders import make_staff, staff_login
from tests.builders import make_member
from tests.support.builders import grant, make_inquiry, verify_email

SCRIPT = '<script>alert("x")</script>'


def test_support_staff_answer_general_but_not_privacy_inquiries(client):
    member = make_member()
    general = make_inquiry(member, category="delivery", title=SCRIPT)
    private = make_inquiry(member, category="privacy", title="내 정보 삭제")
    staff_login(client, make_staff("support_staff"))
    listing = client.get("/admin/inquiries").get_data(as_text=True)
    assert "&lt;script&gt;" in listing and "<script>alert" not in listing
    assert "내 정보 삭제" not in listing
    assert client.get(f"/admin/inquiries/{private.id}").status_code == 403
    assert client.post(f"/admin/inquiries/{private.id}/answer", data={"body": "x"}).status_code == 403
    resp = client.post(f"/admin/inquiries/{general.id}/answer", data={"body": "내일 도착합니다."})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Inquiry, general.id).status == "answered"
    assert client.post(f"/admin/inquiries/{general.id}/answer", data={"body": "  "}).status_code == 400


def test_privacy_officer_sees_the_privacy_queue(client):
    member = make_member()
    private = make_inquiry(member, category="privacy", title="열람 요청")
    staff_login(client, make_staff("privacy_officer"))
    page = client.get("/admin/inquiries").get_data(as_text=True)
    assert "열람 요청" in page and "10일" in page
    assert client.get(f"/admin/inquiries/{private.id}").status_code == 200
    assert client.post(f"/admin/inquiries/{private.id}/dispute", data={"dispute": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Inquiry, private.id).dispute is True
    assert client.get("/admin/inquiries/99999").status_code == 404


def test_staff_post_a_notice(client):
    staff_login(client, make_staff("support_staff"))
    assert client.post("/admin/notices", data={"title": "", "body": ""}).status_code == 400
    resp = client.post("/admin/notices", data={"title": "점검 안내", "body": "12월 1일 점검"})
    assert resp.status_code == 302
    assert db.session.query(Notice).filter_by(title="점검 안내").count() == 1


def test_only_the_privacy_officer_publishes(client):
    staff_login(client, make_staff("privacy_handler"))
    assert client.get("/admin/policy").status_code == 200
    effective = (clock.today() + dt.timedelta(days=7)).isoformat()
    assert client.post("/admin/policy/publish", data={"effective": effective}).status_code == 403
    assert client.get("/admin/policy/registers/entrustment/new").status_code == 403


def test_officer_publish_refuses_six_days_and_accepts_seven(client):
    staff_login(client, make_staff("privacy_officer"))
    six = (clock.today() + dt.timedelta(days=6)).isoformat()
    resp = client.post("/admin/policy/publish", data={"effective": six, "summary": "변경"})
    assert resp.status_code == 400 and "7일" in resp.get_data(as_text=True)
    assert client.post("/admin/policy/publish", data={"effective": "내일"}).status_code == 400
    seven = (clock.today() + dt.timedelta(days=7)).isoformat()
    assert client.post("/admin/policy/publish", data={"effective": seven, "summary": "변경"}).status_code == 302
    assert [v.label for v in policy_versions.all_versions()] == ["v2", "v1"]
    assert db.session.query(Notice).filter_by(kind="policy").count() == 1


def test_officer_edits_registers_and_a_draft_appears(client):
    staff_login(client, make_staff("privacy_officer"))
    resp = client.post("/admin/policy/registers/entrustment/new", data={"entrustee": ""})
    assert resp.status_code == 400 and "수탁자을(를) 입력해 주세요." in resp.get_data(as_text=True)
    resp = client.post("/admin/policy/registers/entrustment/new",
                       data={"entrustee": "한빛택배", "tasks_ko": "배송", "period_ko": "배송 완료 시까지"})
    assert resp.status_code == 302
    assert policy_versions.open_draft() is not None
    page = client.get("/admin/policy").get_data(as_text=True)
    assert "한빛택배" in page and "초안" in page
    entry = [e for e in registers.entrustments() if e.entrustee == "한빛택배"][0]
    assert client.post(f"/admin/policy/registers/entrustment/{entry.id}/delete").status_code == 302
    assert client.get("/admin/policy/registers/nonsense/new").status_code == 404


def test_marketing_screen_sends_only_to_the_lawful_audience(client):
    ok = make_member(); verify_email(ok); grant(ok, "marketing_email")
    gone = make_member(); verify_email(gone); grant(gone, "marketing_email")
    gone.status = "withdrawn"; db.session.commit()
    staff_login(client, make_staff("support_staff"))
    assert client.get("/admin/marketing").status_code == 403
    client.post("/admin/logout")
    client2 = client.application.test_client()
    staff_login(client2, make_staff("privacy_officer"))
    assert client2.post("/admin/marketing", data={"channel": "email", "subject": "", "body": ""}).status_code == 400
    resp = client2.post("/admin/marketing", data={"channel": "email", "subject": "할인", "body": "겨울 할인"})
    assert resp.status_code == 302
    campaign = db.session.query(Campaign).one()
    from sentem.support import marketing

    marketing.send_campaign(campaign.id)  # with Redis configured the job waits for a worker
    sent = outbox.messages(category="marketing")
    assert [m["member_id"] for m in sent] == [ok.id]
