"""The staff queue of rights requests: deadlines, overdue highlighted, answers sent to the member."""
from __future__ import annotations

from sentem import clock
from sentem.extensions import db
from sentem.notify import outbox
from tests.admin.builders import make_staff, reauth, staff_login
from tests.myinfo.builders import PDF, full_member, make_rights_request


def test_queue_shows_deadline_and_overdue(client, app):
    m = full_member("q")
    req = make_rights_request(m)
    clock.advance(days=11)
    staff_login(client, make_staff("privacy_handler"))
    html = client.get("/admin/rights").get_data(as_text=True)
    assert f"/admin/rights/{req.id}" in html
    assert clock.to_kst(req.due_at).strftime("%Y-%m-%d") in html
    assert "기한 초과" in html and 'class="overdue"' in html
    assert m.email not in html  # masked in the list


def test_answer_is_recorded_and_sent(client, app):
    m = full_member("ans")
    req = make_rights_request(m)
    staff_login(client, make_staff("privacy_handler"))
    resp = client.post(f"/admin/rights/{req.id}", data={"outcome": "refused", "answer": "거절합니다.",
                                                         "legal_basis": ""})
    assert resp.status_code == 400 and "법적 근거" in resp.get_data(as_text=True)
    resp = client.post(f"/admin/rights/{req.id}", data={"outcome": "refused", "answer": "사유에 따라 거절합니다.",
                                                         "legal_basis": "개인정보 보호법 제35조 제4항"})
    assert resp.status_code == 302
    db.session.refresh(req)
    assert req.status == "answered" and req.outcome == "refused" and req.answered_by
    assert req.legal_basis == "개인정보 보호법 제35조 제4항"
    sent = outbox.messages(member_id=m.id, category="rights")
    assert any("답변" in msg["subject"] for msg in sent)
    # The member sees the answer and the legal basis.
    from flask import g

    from tests.builders import login_as

    # The ``app`` fixture keeps one app context for the whole test, so ``g`` (where Flask-Login
    # caches the current user) outlives requests: forget the staff request's visitor.
    g.pop("_login_user", None)
    member_client = app.test_client()
    login_as(member_client, m)
    page = member_client.get(f"/me/requests/{req.id}").get_data(as_text=True)
    assert "사유에 따라 거절합니다." in page and "제35조 제4항" in page


def test_roles_without_permission_are_refused(client, app):
    m = full_member("perm")
    req = make_rights_request(m)
    staff_login(client, make_staff("shipping_staff"))
    assert client.get("/admin/rights").status_code == 403
    assert client.get(f"/admin/rights/{req.id}").status_code == 403


def test_auditor_reads_but_cannot_answer(client, app):
    m = full_member("aud")
    req = make_rights_request(m)
    staff_login(client, make_staff("auditor"))
    assert client.get(f"/admin/rights/{req.id}").status_code == 200
    resp = client.post(f"/admin/rights/{req.id}", data={"outcome": "done", "answer": "x"})
    assert resp.status_code == 403
    db.session.refresh(req)
    assert req.status == "received"


def test_proxy_document_download_needs_reauth_and_is_an_attachment(client, app):
    m = full_member("doc")
    req = make_rights_request(m, proxy_name="김대리", proxy_relation="parent", document=PDF)
    doc = req.documents[0]
    staff = make_staff("privacy_officer")
    staff_login(client, staff)
    url = f"/admin/rights/{req.id}/documents/{doc.id}"
    clock.advance(minutes=6)  # the sign-in itself no longer counts as fresh
    assert client.get(url).status_code == 302  # re-authentication first
    reauth(client, staff)
    resp = client.get(url)
    assert resp.status_code == 200 and resp.data == PDF
    assert resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert client.get(f"/admin/rights/{req.id}/documents/{doc.id + 99}").status_code == 404
