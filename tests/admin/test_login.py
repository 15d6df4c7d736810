"""Staff sign-in: password then TOTP, enrolment QR, lockout, idle logout, gate."""
from sentem import clock
from sentem.extensions import db
from sentem.privacy.access_log import AccessLogEntry
from sentem.staff.models import RoleChange, Staff
from tests.builders import login_as, make_member

from .builders import make_staff, staff_login, totp_now


def test_login_with_password_and_totp(client):
    st = make_staff("privacy_officer")
    r = client.get("/admin/")
    assert r.status_code == 302 and "/admin/login" in r.headers["Location"]
    r = client.post("/admin/login", data={"login_id": st[0].login_id, "password": st[1]})
    assert "/admin/login/enrol" in r.headers["Location"]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "data:image/svg+xml;base64," in page
    assert client.get("/admin/dashboard").status_code == 302  # half-authenticated is not in
    r = client.post("/admin/login/enrol", data={"code": totp_now(st[2])})
    assert r.status_code == 302
    assert client.get("/admin/dashboard").status_code == 200
    db.session.expire_all()
    assert db.session.get(Staff, st[0].id).totp_enrolled_at is not None
    assert db.session.query(AccessLogEntry).filter_by(action="login").count() == 1


def test_second_login_goes_to_totp_step(client):
    st = make_staff("auditor")
    staff_login(client, st)
    client.post("/admin/logout")
    r = client.post("/admin/login", data={"login_id": st[0].login_id, "password": st[1]})
    assert "/admin/login/totp" in r.headers["Location"]


def test_password_bruteforce_locks(client):
    st = make_staff("order_staff")
    for _ in range(5):
        r = client.post("/admin/login", data={"login_id": st[0].login_id, "password": "wrong-password"})
        assert r.status_code == 200
    r = client.post("/admin/login", data={"login_id": st[0].login_id, "password": st[1]})
    assert r.status_code == 200 and "잠겼습니다" in r.get_data(as_text=True)
    clock.advance(minutes=31)
    staff_login(client, st)


def test_totp_bruteforce_locks(client):
    st = make_staff("order_staff")
    client.post("/admin/login", data={"login_id": st[0].login_id, "password": st[1]})
    for i in range(5):
        r = client.post("/admin/login/enrol", data={"code": f"{i:06d}" if f"{i:06d}" != totp_now(st[2]) else "999999"})
    assert r.status_code == 302 and "/admin/login" in r.headers["Location"]
    r = client.post("/admin/login", data={"login_id": st[0].login_id, "password": st[1]})
    assert "잠겼습니다" in r.get_data(as_text=True)


def test_idle_logout_after_30_minutes(client):
    st = make_staff("auditor")
    staff_login(client, st)
    clock.advance(minutes=29)
    assert client.get("/admin/dashboard").status_code == 200
    clock.advance(minutes=29)
    assert client.get("/admin/dashboard").status_code == 200
    clock.advance(minutes=31)
    r = client.get("/admin/dashboard")
    assert r.status_code == 302 and "/admin/login" in r.headers["Location"]


def test_member_session_on_admin_is_403(client):
    login_as(client, make_member())
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/dashboard").status_code == 403
    assert client.get("/admin/login").status_code == 200


def test_cli_staff_create(runner):
    res = runner.invoke(args=["staff", "create", "kim", "--role", "privacy_handler"])
    assert res.exit_code == 0, res.output
    assert "password:" in res.output and "otpauth://" in res.output
    res = runner.invoke(args=["staff", "create", "kim", "--role", "privacy_handler"])
    assert res.exit_code != 0
    res = runner.invoke(args=["staff", "create", "lee", "--role", "king"])
    assert res.exit_code != 0


def test_totp_is_checked_against_real_unix_time(app):
    import pyotp

    from sentem.staff import services as staff_services

    st = make_staff("auditor")
    code = pyotp.TOTP(st[2]).at(int(clock.now().timestamp()))
    assert staff_services.check_totp(st[0], code)
    assert not staff_services.check_totp(st[0], pyotp.TOTP(st[2]).at(int(clock.now().timestamp()) + 600))


def test_role_changes_expire_after_three_years(app):
    from sentem.privacy.registry import REGISTRY

    with clock.frozen_at("2023-01-05"):
        make_staff("auditor")
    make_staff("auditor")
    rc = REGISTRY.record_class("staff_role_changes")
    assert rc.retention.years == 3 and rc.on_withdrawal == "keep"
    assert rc.expire(clock.now(), 100) == 1
    db.session.commit()
    assert db.session.query(RoleChange).count() == 1


def test_cli_unlock_and_reset(client, runner):
    st = make_staff("privacy_officer", login_id="boss")
    for _ in range(5):
        client.post("/admin/login", data={"login_id": "boss", "password": "wrong-password"})
    assert runner.invoke(args=["staff", "unlock", "boss"]).exit_code == 0
    res = runner.invoke(args=["staff", "reset", "boss"])
    assert res.exit_code == 0
    password = res.output.split("password: ")[1].split()[0]
    secret = res.output.split("TOTP secret: ")[1].split()[0]
    db.session.expire_all()
    staff_login(client, (db.session.get(Staff, st[0].id), password, secret))
    assert runner.invoke(args=["staff", "unlock", "nobody"]).exit_code != 0
    assert runner.invoke(args=["staff", "list"]).output.count("boss") == 1
