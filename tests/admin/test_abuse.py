"""Abuse of the staff area: forged reasons, odd input, open redirects — never a 500."""
from sentem.extensions import db
from sentem.privacy.access_log import AccessLogEntry
from tests.builders import make_member

from .builders import make_staff, staff_login, totp_now


def test_next_parameter_cannot_leave_the_site(client):
    st = make_staff("auditor")
    r = client.post("/admin/login?next=//evil.example/x", data={"login_id": st[0].login_id, "password": st[1]})
    r = client.post(r.headers["Location"], data={"code": totp_now(st[2])})
    assert r.status_code == 302 and "evil" not in r.headers["Location"]


def test_unknown_login_and_odd_input_give_generic_errors(client):
    r = client.post("/admin/login", data={"login_id": "nobody", "password": "whatever-123"})
    assert r.status_code == 200 and "올바르지 않습니다" in r.get_data(as_text=True)
    assert client.post("/admin/login", data={"login_id": "", "password": ""}).status_code == 200
    assert client.post("/admin/login", data={"login_id": "x" * 5000, "password": "y"}).status_code == 200
    assert client.post("/admin/login/totp", data={"code": "123456"}).status_code == 302


def test_odd_query_strings_do_not_crash(client):
    make_member()
    staff_login(client, make_staff("privacy_officer"))
    for url in ("/admin/members?page=abc", "/admin/members?page=-4", "/admin/members?kind=zzz&q=1",
                "/admin/members?kind=email&q=" + "a" * 500, "/admin/accesslog?from=2026-13-45&to=x&staff_id=q",
                "/admin/accesslog?page=999", "/admin/audit/999", "/admin/reviews/999", "/admin/staff/999"):
        assert client.get(url).status_code in (200, 404), url


def test_forged_reasons_are_refused_everywhere(client):
    m = make_member()
    officer = make_staff("privacy_officer")
    other = make_staff("order_staff")
    staff_login(client, officer)
    for reason in ("", " ", "\u3000", "\n\t "):
        assert client.post(f"/admin/members/{m.id}/unmask", data={"reason": reason}).status_code == 400
        assert client.post("/admin/members/download", data={"reason": reason}).status_code == 400
        client.post(f"/admin/staff/{other[0].id}/deactivate", data={"reason": reason, "confirm": "y"})
        client.post("/admin/staff/new", data={"login_id": "z", "role": "auditor", "reason": reason})
    assert db.session.query(AccessLogEntry).filter(AccessLogEntry.action.in_(
        ["unmask", "download", "staff.revoke", "staff.create"])).count() == 0


def test_role_lacking_permission_is_refused_and_logged(client):
    st = make_staff("support_staff")
    staff_login(client, st)
    for url in ("/admin/members", "/admin/accesslog", "/admin/staff", "/admin/audit"):
        assert client.get(url).status_code == 403
    assert client.post("/admin/members/download", data={"reason": "필요"}).status_code == 403
    rows = db.session.query(AccessLogEntry).filter_by(action="forbidden", staff_id=st[0].id).all()
    assert len(rows) == 5 and all(r.ip for r in rows)
