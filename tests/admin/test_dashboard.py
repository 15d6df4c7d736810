"""The dashboard: server-side SVG charts, panels by role, tolerant of missing data."""
import re

from .builders import make_staff, staff_login


def test_officer_sees_all_panels_as_svg(client):
    staff_login(client, make_staff("privacy_officer"))
    page = client.get("/admin/dashboard").get_data(as_text=True)
    assert page.count("<svg") >= 4
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and 'style="' not in page  # no inline script or style
    for text in ("주문 수", "권리 행사 요청", "보존·파기"):
        assert text in page


def test_shipping_staff_sees_only_their_panel(client):
    staff_login(client, make_staff("shipping_staff"))
    page = client.get("/admin/dashboard").get_data(as_text=True)
    assert "배송 대기" in page and "권리 행사 요청" not in page and "최근 14일 주문 수" not in page
    assert "회원</a>" not in page  # no members entry in the nav


def test_nav_follows_the_permission_table(client):
    staff_login(client, make_staff("auditor"))
    page = client.get("/admin/dashboard").get_data(as_text=True)
    assert "접속기록</a>" in page and "직원 관리</a>" not in page
