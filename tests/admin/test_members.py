"""Members in the staff area: masked by default, exact search, justified unmask and download."""
import datetime as dt

from sentem import clock
from sentem.extensions import db
from sentem.privacy.access_log import AccessLogEntry
from tests.builders import make_member

from .builders import make_staff, reauth, staff_login


def test_list_is_masked_and_search_is_exact(client):
    m = make_member(name="홍길동", email="gildong@example.com", mobile="010-2222-3333")
    make_member()
    staff_login(client, make_staff("privacy_handler"))
    page = client.get("/admin/members").get_data(as_text=True)
    assert "gildong@example.com" not in page and "홍*동" in page and "gi***@example.com" in page
    page = search(client, "email", "GILDONG@example.com")
    assert "1명 검색됨" in page and f'/admin/members/{m.id}"' in page
    page = search(client, "mobile", "01022223333")
    assert "1명 검색됨" in page
    page = search(client, "email", "gildong")
    assert "0명 검색됨" in page
    assert db.session.query(AccessLogEntry).filter_by(action="members.list").count() == 4


def search(client, kind, q):
    """Search as the form does (POST), following the redirect to the result's handle."""
    return client.post("/admin/members", data={"kind": kind, "q": q}, follow_redirects=True).get_data(as_text=True)


def test_search_values_travel_by_post_only_and_results_page_by_handle(client, app, caplog):
    import logging

    found = make_member(email="same@example.com")
    make_member(email="other@example.com")
    staff = make_staff("privacy_handler")
    staff_login(client, staff)
    caplog.set_level(logging.DEBUG)
    resp = client.post("/admin/members", data={"kind": "email", "q": "same@example.com"})
    assert resp.status_code == 302 and "same" not in resp.headers["Location"]
    handle = resp.headers["Location"].split("search=")[1]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "1명 검색됨 (이메일)" in page and "same@example.com" not in page
    assert f'/admin/members/{found.id}"' in page and "other@" not in page
    page2 = client.get(f"/admin/members?search={handle}&page=2").get_data(as_text=True)
    assert "1명 검색됨" in page2  # paging keeps the search
    assert client.get("/admin/members?kind=email&q=same@example.com").status_code == 200  # a URL value is ignored
    assert "same@example.com" not in caplog.text
    entries = db.session.query(AccessLogEntry).filter_by(action="members.list").all()
    assert all("same" not in (e.detail or "") for e in entries)
    # another staff member on the same browser cannot replay it, and it expires
    other = app.test_client()
    staff_login(other, make_staff("privacy_handler"))
    with client.session_transaction() as mine:
        searches = mine["staff_member_searches"]
    with other.session_transaction() as theirs:
        theirs["staff_member_searches"] = searches
    assert other.get(f"/admin/members?search={handle}").status_code == 302
    clock.freeze(clock.now() + dt.timedelta(minutes=16))
    staff_login(client, staff)
    resp = client.get(f"/admin/members?search={handle}", follow_redirects=True)
    assert "검색 결과가 만료되었습니다" in resp.get_data(as_text=True)


def test_unmask_needs_reason_and_is_logged(client):
    m = make_member(name="김철수", email="cs@example.com")
    staff = make_staff("privacy_handler")
    staff_login(client, staff)
    detail = client.get(f"/admin/members/{m.id}").get_data(as_text=True)
    assert "김철수" not in detail and "김*수" in detail
    for blank in ("", "   ", "\t\n"):
        r = client.post(f"/admin/members/{m.id}/unmask", data={"reason": blank})
        assert r.status_code == 400 and "김철수" not in r.get_data(as_text=True)
    r = client.post(f"/admin/members/{m.id}/unmask", data={"reason": "배송 문의 본인 확인"})
    assert r.status_code == 200 and "김철수" in r.get_data(as_text=True)
    entry = db.session.query(AccessLogEntry).filter_by(action="unmask").one()
    assert entry.member_id == m.id and entry.reason == "배송 문의 본인 확인" and entry.staff_id == staff[0].id


def test_unmask_after_five_minutes_asks_reauth(client):
    m = make_member(name="김철수")
    staff = make_staff("privacy_officer")
    staff_login(client, staff)
    clock.advance(minutes=6)
    r = client.post(f"/admin/members/{m.id}/unmask", data={"reason": "확인"})
    assert r.status_code == 302 and "/admin/reauth" in r.headers["Location"]
    assert db.session.query(AccessLogEntry).filter_by(action="unmask").count() == 0
    r = client.post("/admin/reauth", data={"password": "wrong", "code": "000000"})
    assert r.status_code == 200
    assert reauth(client, staff).status_code == 302
    r = client.post(f"/admin/members/{m.id}/unmask", data={"reason": "확인"})
    assert "김철수" in r.get_data(as_text=True)


def test_handler_cannot_unmask_without_permission(client):
    m = make_member(name="김철수")
    make_staff("privacy_officer")
    staff = make_staff("order_staff")
    staff_login(client, staff)
    assert client.get(f"/admin/members/{m.id}").status_code == 403
    assert client.post(f"/admin/members/{m.id}/unmask", data={"reason": "x"}).status_code == 403
    assert db.session.query(AccessLogEntry).filter_by(action="forbidden", staff_id=staff[0].id).count() == 2


def test_download_needs_reason_and_logs_rows(client):
    for _ in range(3):
        make_member()
    staff_login(client, make_staff("privacy_officer"))
    r = client.post("/admin/members/download", data={"reason": "  "})
    assert r.status_code == 400
    r = client.post("/admin/members/download", data={"reason": "분기 회원 현황 보고"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.get_data(as_text=True).count("\n") == 4
    entry = db.session.query(AccessLogEntry).filter_by(action="download").one()
    assert "rows=3" in entry.detail and entry.reason == "분기 회원 현황 보고"


def test_unknown_member_is_404(client):
    staff_login(client, make_staff("privacy_handler"))
    assert client.get("/admin/members/99999").status_code == 404


def test_orders_download_needs_permission_reason_and_is_logged(client):
    from tests.orders.builders import make_paid_order

    make_paid_order(make_member())
    make_paid_order(make_member())
    staff = make_staff("order_staff")
    staff_login(client, staff)
    page = client.get("/admin/downloads").get_data(as_text=True)
    assert "주문 목록 내려받기" in page and "회원 목록 내려받기" not in page
    assert client.post("/admin/downloads/orders", data={"o-reason": " "}).status_code == 400
    r = client.post("/admin/downloads/orders", data={"o-reason": "월말 정산"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    body = r.get_data(as_text=True)
    assert body.count("\n") == 3 and "홍길동" not in body
    entry = db.session.query(AccessLogEntry).filter_by(action="download").one()
    assert "orders" in entry.detail and "rows=2" in entry.detail and entry.reason == "월말 정산"
    assert client.post("/admin/members/download", data={"reason": "x"}).status_code == 403
