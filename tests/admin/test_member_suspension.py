"""Suspension of processing (PIPA Art. 37) in the staff area: a member who suspends the
processing of optional items has them withheld from staff, masked or unmasked; required
items show as before; resuming shows them again. Statistics leave out who suspended them."""
import re

from sqlalchemy import event

from sentem.extensions import db
from sentem.myinfo import services
from sentem.privacy.access_log import AccessLogEntry
from sentem.privacy.suspension import OPTIONAL, STATISTICS
from tests.builders import make_member

from .builders import make_staff, reauth, staff_login

OPTIONAL_VALUES = dict(birth_date="1990-01-31", home_phone="02-3456-7890", postcode="04524",
                       address1="서울특별시 중구 세종대로 110", address2="3층 301호", company_name="센템상사")
# The detail screen labels each item as the registry does.
OPTIONAL_LABELS = ("생년월일", "자택전화번호", "우편번호", "자택 주소", "상세 주소", "회사명")


def _member(**kw):
    fields = dict(name="박선택", email="choice@example.com", mobile="010-3333-4444", **OPTIONAL_VALUES)
    return make_member(**{**fields, **kw})


def _cell(page: str, label: str) -> str:
    found = re.search(rf"<th>{label}</th><td>(.*?)</td>", page)
    assert found, label
    return found.group(1)


def test_detail_withholds_optional_items_while_suspended(client):
    m = _member()
    staff_login(client, make_staff("privacy_handler"))
    before = client.get(f"/admin/members/{m.id}").get_data(as_text=True)
    assert _cell(before, "생년월일") == "****" and _cell(before, "회사명") == "****"
    assert _cell(before, "자택 주소") == "서울특별시 중구 ***" and _cell(before, "자택전화번호") == "02-****-7890"

    services.set_suspension(m, OPTIONAL, True)
    page = client.get(f"/admin/members/{m.id}").get_data(as_text=True)
    for label in OPTIONAL_LABELS:
        assert _cell(page, label) == "처리정지"
    assert "서울특별시" not in page and "02-****" not in page and 'id="suspended-optional"' in page
    # required items as before
    assert _cell(page, "이름") == "박*택" and _cell(page, "휴대전화 번호") == "010-****-4444"

    services.set_suspension(m, OPTIONAL, False)
    again = client.get(f"/admin/members/{m.id}").get_data(as_text=True)
    assert _cell(again, "자택 주소") == "서울특별시 중구 ***" and "처리정지" not in again


def test_unmask_never_reveals_suspended_optional_items(client):
    m = _member()
    staff = make_staff("privacy_officer")
    staff_login(client, staff)
    services.set_suspension(m, OPTIONAL, True)
    r = client.post(f"/admin/members/{m.id}/unmask", data={"reason": "배송 문의 본인 확인"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "박선택" in page and "choice@example.com" in page and "010-3333-4444" in page
    for value in OPTIONAL_VALUES.values():
        assert value not in page
    for label in OPTIONAL_LABELS:
        assert _cell(page, label) == "처리정지"
    entry = db.session.query(AccessLogEntry).filter_by(action="unmask").one()
    assert "처리정지" in entry.detail

    services.set_suspension(m, OPTIONAL, False)
    reauth(client, staff)
    page = client.post(f"/admin/members/{m.id}/unmask", data={"reason": "재확인"}).get_data(as_text=True)
    assert "1990-01-31" in page and "센템상사" in page and "서울특별시 중구 세종대로 110" in page


def test_statistics_suspension_alone_leaves_staff_view_as_before(client):
    m = _member()
    services.set_suspension(m, STATISTICS, True)
    staff_login(client, make_staff("privacy_handler"))
    page = client.get(f"/admin/members/{m.id}").get_data(as_text=True)
    assert _cell(page, "회사명") == "****" and "처리정지" not in page


def test_list_and_search_mark_suspended_members_with_one_ledger_query(client, app):
    quiet, paused = _member(), _member(email="paused@example.com", mobile="010-5555-6666")
    others = [_member(email=f"o{i}@example.com", mobile=f"010-7777-000{i}") for i in range(3)]
    for member in [paused, *others]:
        services.set_suspension(member, OPTIONAL, True)
    services.set_suspension(others[0], OPTIONAL, False)
    staff_login(client, make_staff("privacy_handler"))

    ledger_queries = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if "consent_events" in statement:
            ledger_queries.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = client.get("/admin/members").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(ledger_queries) == 1  # one set query for the page, not one per member
    rows = {int(n): row for n, row in re.findall(r'/admin/members/(\d+)">\d+</a></td>(.*?)</tr>', page, re.S)}
    marked = {i for i, row in rows.items() if "선택 항목 처리정지" in row}
    assert marked == {paused.id, others[1].id, others[2].id}

    # search by a required item works as before, and the row says the member suspended
    found = client.post("/admin/members", data={"kind": "email", "q": "paused@example.com"},
                        follow_redirects=True).get_data(as_text=True)
    assert "1명 검색됨" in found and "선택 항목 처리정지" in found and "pa***@example.com" in found
    services.set_suspension(paused, OPTIONAL, False)
    found = client.post("/admin/members", data={"kind": "mobile", "q": "01055556666"},
                        follow_redirects=True).get_data(as_text=True)
    assert "1명 검색됨" in found and "선택 항목 처리정지" not in found
    assert quiet.id in rows and quiet.id not in marked


def test_order_statistics_leave_out_members_who_suspended_them(client, app):
    from sentem.admin.dashboard_data import orders_per_day
    from tests.orders.builders import make_paid_order

    counted, paused = make_member(), make_member()
    make_paid_order(counted)
    make_paid_order(paused)
    make_paid_order(paused)
    assert sum(n for _day, n in orders_per_day().bars) == 3
    services.set_suspension(paused, STATISTICS, True)
    assert sum(n for _day, n in orders_per_day().bars) == 1
    services.set_suspension(paused, OPTIONAL, True)  # the other kind changes nothing here
    assert sum(n for _day, n in orders_per_day().bars) == 1
    staff_login(client, make_staff("privacy_officer"))
    assert "통계 처리정지 회원 제외" in client.get("/admin/dashboard").get_data(as_text=True)
    services.set_suspension(paused, STATISTICS, False)
    assert sum(n for _day, n in orders_per_day().bars) == 3
