"""The internal management plan: contents, acknowledgements, new versions."""
from sentem.extensions import db
from sentem.staff.models import PlanAcknowledgement, PlanVersion

from .builders import make_staff, staff_login


def test_plan_contents_and_acknowledgement(client):
    staff = make_staff("shipping_staff")
    staff_login(client, staff)
    page = client.get("/admin/plan").get_data(as_text=True)
    for heading in ("역할과 책임", "교육", "접근 권한", "암호화", "접속기록", "유출 사고"):
        assert heading in page
    assert "미확인" in page
    assert client.post("/admin/plan/ack").status_code == 302
    client.post("/admin/plan/ack")
    assert db.session.query(PlanAcknowledgement).count() == 1
    page = client.get("/admin/plan").get_data(as_text=True)
    assert "2026-11-28" in page
    assert client.get("/admin/plan/edit").status_code == 403


def test_officer_publishes_new_version(client):
    officer = make_staff("privacy_officer")
    staff_login(client, officer)
    client.post("/admin/plan/ack")
    form = {k: f"{k} 내용" for k in ("roles", "training", "access_control", "encryption", "logs", "incident")}
    bad = dict(form, logs="   ")
    assert client.post("/admin/plan/edit", data=bad).status_code == 400
    assert client.post("/admin/plan/edit", data=form).status_code == 302
    assert db.session.query(PlanVersion).count() == 2
    page = client.get("/admin/plan").get_data(as_text=True)
    assert "2판" in page and "현행 판 미확인" in page
    assert client.get("/admin/plan/versions/1").status_code == 200
    assert client.get("/admin/plan/versions/9").status_code == 404
