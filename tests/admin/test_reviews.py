"""The monthly review: anomalies of last month, opened by the job, signed off by the officer."""
import datetime as dt
import json

from sentem import clock
from sentem.extensions import db
from sentem.privacy import access_log
from sentem.privacy.access_review import MonthlyReview, open_monthly_review_job
from tests.builders import make_member

from .builders import make_staff, staff_login


def _at(iso, action, staff_id, **kw):
    with clock.frozen_at(dt.datetime.fromisoformat(iso)):
        access_log.record(action, staff_id=staff_id, **kw)


def test_job_lists_anomalies_of_previous_month(app):
    officer, busy, quiet = make_staff("privacy_officer"), make_staff("privacy_handler"), make_staff("order_staff")
    m = make_member()
    gone = make_member()
    gone.status = "withdrawn"
    db.session.commit()
    # October 2026 (KST). Weekday office hours: Tue 2026-10-13 10:00 KST = 01:00 UTC.
    for i in range(60):
        _at(f"2026-10-13T01:{i % 60:02d}:00+00:00", "members.view", busy[0].id, member_id=m.id)
    for i in range(2):
        _at("2026-10-13T02:00:00+00:00", "members.view", quiet[0].id, member_id=m.id)
    for i in range(12):
        _at(f"2026-10-14T02:{i * 3:02d}:00+00:00", "unmask", busy[0].id, member_id=m.id, reason="확인")
    _at("2026-10-13T14:30:00+00:00", "members.list", quiet[0].id)  # 23:30 KST
    _at("2026-10-17T03:00:00+00:00", "members.list", officer[0].id)  # Saturday
    _at("2026-10-15T03:00:00+00:00", "download", officer[0].id, reason="보고", detail="members rows=3")
    _at("2026-10-15T04:00:00+00:00", "members.view", officer[0].id, member_id=gone.id)
    _at("2026-11-02T04:00:00+00:00", "download", officer[0].id, reason="다음 달")  # not in October
    db.session.commit()
    review_id = open_monthly_review_job()
    review = db.session.get(MonthlyReview, review_id)
    assert review.month == "2026-10"
    findings = json.loads(review.findings_json)
    kinds = {(f["kind"], f["staff_id"]) for f in findings}
    assert ("volume", busy[0].id) in kinds
    assert ("unmask_burst", busy[0].id) in kinds
    assert ("off_hours", quiet[0].id) in kinds and ("off_hours", officer[0].id) in kinds
    assert ("withdrawn_access", officer[0].id) in kinds
    assert [f["kind"] for f in findings].count("download") == 1
    assert ("volume", quiet[0].id) not in kinds
    assert open_monthly_review_job() == review_id  # idempotent


def test_officer_signs_off_with_comment(client):
    officer = make_staff("privacy_officer")
    auditor = make_staff("auditor")
    rid = open_monthly_review_job()
    c2 = client.application.test_client()
    staff_login(c2, auditor)
    assert c2.get(f"/admin/reviews/{rid}").status_code == 200
    assert c2.post(f"/admin/reviews/{rid}/signoff", data={"comment": "ok"}).status_code == 403
    staff_login(client, officer)
    assert client.post(f"/admin/reviews/{rid}/signoff", data={"comment": "  "}).status_code == 400
    r = client.post(f"/admin/reviews/{rid}/signoff", data={"comment": "이상 없음 확인"})
    assert r.status_code == 302
    review = db.session.get(MonthlyReview, rid)
    db.session.refresh(review)
    assert review.signed_off_by_id == officer[0].id and review.comment == "이상 없음 확인"
    assert "이상 없음 확인" in client.get(f"/admin/reviews/{rid}").get_data(as_text=True)
