"""The staff screen: charts for the privacy officer and marketing staff, "<5" for small cells
on screen and in the CSV, a download only with a reason and logged, other roles refused."""
from sentem.privacy.access_log import AccessLogEntry
from tests.admin.builders import make_staff, staff_login
from tests.orders.builders import make_category, make_paid_order
from tests.statistics.builders import run, subscriber, visit


def _demo_data():
    seoul = [subscriber(address1="서울특별시 종로구 1") for _ in range(6)]
    busan = [subscriber(address1="부산광역시 해운대구 1") for _ in range(4)]  # a cell of 4
    for _ in range(5):
        subscriber(address1="대구광역시 중구 1")
    cat = make_category(title="생활용품")
    for m in seoul[:5]:
        make_paid_order(m, category_id=cat.id)
        make_paid_order(m, category_id=cat.id)
        visit(m)
    run()
    return seoul, busan


def test_marketing_staff_sees_charts_and_never_a_cell_of_four(client):
    _demo_data()
    staff_login(client, make_staff("marketing_staff"))
    page = client.get("/admin/statistics")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count("<svg") >= 7 and "생활용품" in html
    region = html.split('id="dim-region"')[1].split("</section>")[0]
    assert "<td>서울</td><td>6</td>" in region
    assert "<td>부산</td><td>&lt;5</td>" in region and "<td>4</td>" not in region
    # 15 - 6 would give the 4 away: the next smallest cell is hidden with it.
    assert "<td>대구</td><td>비공개</td>" in region and "<th>15</th>" in region
    assert "부산: 4" not in html and "대구: 5" not in html  # nor the chart


def test_csv_needs_a_reason_is_logged_and_hides_small_cells(client):
    _demo_data()
    staff = make_staff("marketing_staff")
    staff_login(client, staff)
    refused = client.post("/admin/statistics/download", data={"reason": "   "})
    assert refused.status_code == 400 and "사유를 입력해 주세요" in refused.get_data(as_text=True)
    resp = client.post("/admin/statistics/download", data={"reason": "월간 마케팅 보고"})
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    body = resp.get_data(as_text=True)
    assert "지역(시/도),서울,6" in body and "지역(시/도),부산,<5" in body
    assert "지역(시/도),대구,비공개" in body and "지역(시/도),부산,4" not in body
    logged = AccessLogEntry.query.filter_by(action="download", staff_id=staff[0].id).one()
    assert logged.reason == "월간 마케팅 보고" and "statistics" in logged.detail


def test_roles_without_statistics_are_refused(client):
    staff_login(client, make_staff("order_staff"))
    assert client.get("/admin/statistics").status_code == 403
    assert client.post("/admin/statistics/download", data={"reason": "x"}).status_code == 403


def test_the_privacy_officer_can_run_the_job_now(client, run_jobs):
    subscriber()
    staff_login(client, make_staff("privacy_officer"))
    resp = client.post("/admin/statistics/run")
    assert resp.status_code == 302
    run_jobs()  # with Redis the job waits for a worker; in-process it already ran
    from sentem.statistics.models import StatRun
    assert StatRun.query.filter_by(status="done").count() == 1
