"""Staff area: the ledger and duties page, and the audited archive lookup."""
from __future__ import annotations

from sqlalchemy import select

from sentem.privacy.access_log import AccessLogEntry
from sentem.extensions import db
from sentem.privacy.retention import services
from sentem.privacy.retention.sweep import sweep
from tests.admin.builders import make_staff, reauth, staff_login
from tests.builders import make_member
from tests.retention.toy import add_order


def _archived_member():
    m = make_member()
    add_order(m, "A-777", "관리수령")
    m.status = "withdrawn"
    services.schedule_withdrawal(m.id)
    db.session.commit()
    sweep()


def test_ledger_and_duties_page(app, client, toy):
    _archived_member()
    staff = make_staff("auditor")
    staff_login(client, staff)
    page = client.get("/admin/retention").get_data(as_text=True)
    assert "파기 관리대장" in page and "분리보관 이전" in page and "toy_order" in page
    assert "관리수령" not in page
    assert client.get("/admin/retention/archive").status_code == 403  # auditors never read the archive


def test_archive_lookup_needs_reason_and_is_logged(app, client, toy):
    _archived_member()
    officer = make_staff("privacy_officer")
    staff_login(client, officer)
    reauth(client, officer)
    resp = client.post("/admin/retention/archive", data={"order_no": "A-777", "reason": ""})
    assert resp.status_code == 400 and "열람 사유를 입력해 주세요." in resp.get_data(as_text=True)
    resp = client.post("/admin/retention/archive", data={"order_no": "A-777", "reason": "소비자원 분쟁 조정 자료 요청"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "관리수령" in body and "A-777" in body
    entry = db.session.execute(select(AccessLogEntry).where(AccessLogEntry.action == "archive.view")).scalar_one()
    assert entry.staff_id == officer[0].id and entry.reason == "소비자원 분쟁 조정 자료 요청"
    bad = client.post("/admin/retention/archive", data={"order_no": "A 777;--", "reason": "x"})
    assert bad.status_code == 400 and "주문번호는" in bad.get_data(as_text=True)


def test_hold_from_the_staff_area(app, client, toy):
    _archived_member()
    officer = make_staff("privacy_officer")
    staff_login(client, officer)
    resp = client.post("/admin/retention/holds", data={"record_class": "toy_order", "ref": "A-777",
                                                       "reason": "분쟁 중"})
    assert resp.status_code == 302
    assert services.is_held("toy_order", "A-777") == "분쟁 중"
    page = client.get("/admin/retention").get_data(as_text=True)
    assert "분쟁 중" in page
