"""Rights requests: online answers at once, staff requests queued with the 10-day deadline,
proxy documents accepted by magic bytes only and sealed."""
from __future__ import annotations

import io

from sqlalchemy import select

from sentem import clock
from sentem.extensions import db
from sentem.myinfo.models import ProxyDocument, RightsRequest
from tests.builders import login_as
from tests.myinfo.builders import PDF, PNG, full_member


def _post(client, **fields):
    data = {"kind": "other", "detail": "처리 내역을 알려 주세요.", "proxy_name": "", "proxy_relation": ""}
    data.update(fields)
    return client.post("/me/requests", data=data, content_type="multipart/form-data")


def test_request_queued_with_deadline_and_acknowledged(client, app):
    from sentem.notify import outbox

    m = full_member("rq")
    login_as(client, m)
    resp = _post(client)
    assert resp.status_code == 302
    req = db.session.execute(select(RightsRequest).filter_by(member_id=m.id)).scalar_one()
    assert req.status == "received" and req.channel == "staff"
    assert (req.due_at - req.received_at).days == 10
    assert req.detail_ct.startswith("s2$")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "처리 내역을 알려 주세요." in page
    assert outbox.messages(member_id=m.id, category="rights")


def test_proxy_request_with_pdf_is_sealed(client, app):
    m = full_member("px")
    login_as(client, m)
    resp = _post(client, proxy_name="김대리", proxy_relation="parent",
                 document=(io.BytesIO(PDF), "위임장.pdf"))
    assert resp.status_code == 302
    doc = db.session.execute(select(ProxyDocument).filter_by(member_id=m.id)).scalar_one()
    assert doc.media_type == "application/pdf" and doc.size_bytes == len(PDF)
    assert b"%PDF" not in doc.content_ct.encode()
    from sentem.myinfo import documents

    assert documents.open_sealed(doc.content_ct) == PDF
    assert doc.request.channel == "proxy" and doc.request.proxy_name == "김대리"
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "김대리 (법정대리인(부모))" in page


def test_executable_or_disguised_files_are_refused(client, app):
    m = full_member("bad")
    login_as(client, m)
    for payload, name in ((b"MZ\x90\x00" + b"\x00" * 64, "위임장.pdf"), (b"<script>alert(1)</script>", "a.png"),
                          (b"", "empty.pdf"), (b"%PDF-" + b"0" * (1024 * 1024), "big.pdf")):
        resp = _post(client, proxy_name="김대리", proxy_relation="parent", document=(io.BytesIO(payload), name))
        assert resp.status_code in (400, 413), name
    assert not db.session.execute(select(RightsRequest).filter_by(member_id=m.id)).first()
    resp = _post(client, proxy_name="김대리", proxy_relation="parent", document=(io.BytesIO(PNG), "scan.png"))
    assert resp.status_code == 302


def test_proxy_without_document_and_empty_detail_are_clear(client, app):
    m = full_member("pe")
    login_as(client, m)
    resp = _post(client, proxy_name="김대리", proxy_relation="parent")
    assert resp.status_code == 400 and "증빙 서류" in resp.get_data(as_text=True)
    resp = _post(client, detail="   ")
    assert resp.status_code == 400 and "요청 내용을 입력" in resp.get_data(as_text=True)
    resp = _post(client, kind="withdrawal")
    assert resp.status_code == 400


def test_other_members_request_is_404(client, app):
    from tests.myinfo.builders import make_rights_request

    a, b = full_member("own"), full_member("oth")
    req = make_rights_request(a)
    login_as(client, b)
    assert client.get(f"/me/requests/{req.id}").status_code == 404
    assert client.get("/me/requests/999999").status_code == 404
    assert "처리 내역" not in client.get("/me/requests").get_data(as_text=True)


def test_summary_counts_overdue(app):
    from sentem.myinfo.services import open_requests_summary
    from tests.myinfo.builders import make_rights_request

    m = full_member("sum")
    make_rights_request(m)
    assert open_requests_summary() == {"open": 1, "due_soon": 0, "overdue": 0}
    clock.advance(days=8)
    assert open_requests_summary() == {"open": 1, "due_soon": 1, "overdue": 0}
    clock.advance(days=3)
    assert open_requests_summary() == {"open": 1, "due_soon": 0, "overdue": 1}


def test_audit_section_counts_on_time_late_and_overdue(app):
    import datetime as _dt

    from sentem.myinfo import requests as rq
    from sentem.myinfo.audit import rights_section
    from tests.myinfo.builders import make_rights_request

    start = clock.now() - _dt.timedelta(days=1)
    m = full_member("aud")
    on_time, late, _open = make_rights_request(m), make_rights_request(m), make_rights_request(m)
    rq.answer_request(on_time, staff_id=1, outcome="done", answer="처리했습니다.")
    clock.advance(days=12)
    rq.answer_request(late, staff_id=1, outcome="done", answer="늦었습니다.")
    section = rights_section(start, clock.now())
    assert (section["received"], section["answered_within_10_days"], section["answered_late"],
            section["open_past_deadline"]) == (3, 1, 1, 1)
    assert section["ok"] is False
