"""Staff sessions and sign-in hardening: logout, role changes and resets end sessions; the
password step expires and dies with a reset; a TOTP code completes one sign-in only."""
from __future__ import annotations

import pyotp

from sentem import clock
from sentem.staff import services as staff_services
from sentem.staff import sessions as staff_sessions
from tests.races import LiveClient, errors, race

from .builders import make_staff, staff_login, totp_now


def _password_step(client, staff_tuple):
    staff, password, _secret = staff_tuple
    resp = client.post("/admin/login", data={"login_id": staff.login_id, "password": password})
    assert resp.status_code == 302 and "/admin/login/" in resp.headers["Location"]
    return resp.headers["Location"]


def _signed_in(client) -> bool:
    """Whether the staff area lets this client in (the index redirects to the first screen)."""
    resp = client.get("/admin/")
    return resp.status_code == 200 or "/admin/login" not in resp.headers.get("Location", "/admin/login")


def _at_next_step() -> None:
    """Move the clock to the start of the next TOTP step (a fresh code)."""
    ts = clock.now().timestamp()
    clock.advance(seconds=30 - ts % 30)


def test_a_saved_staff_cookie_replayed_after_logout_reaches_no_admin_page(live_server):
    staff, password, secret = make_staff("privacy_officer")
    browser = LiveClient(live_server)
    token = browser.csrf("/admin/login")
    step = browser.post("/admin/login", {"login_id": staff.login_id, "password": password, "csrf_token": token})
    assert step.status == 302
    done = browser.post(step.location, {"code": totp_now(secret), "csrf_token": token})
    assert done.status == 302 and "/admin/login" not in done.location
    saved = dict(browser.cookies)
    assert browser.get("/admin/members").status == 200
    assert browser.post("/admin/logout", {"csrf_token": browser.csrf("/admin/members")}).status == 302

    for path in ("/admin/", "/admin/members", "/admin/staff", "/admin/accesslog"):
        replay = browser.request("GET", path, cookies=saved)
        assert replay.status == 302 and "/admin/login" in replay.location, (path, replay.status)


def test_role_change_deactivation_and_reset_end_the_staff_members_sessions(app):
    officer = make_staff("privacy_officer")
    target = make_staff("order_staff")
    for end in (lambda s: staff_services.change_role(s, "support_staff", actor_id=officer[0].id, reason="이동"),
                lambda s: staff_services.reset_credentials(s),
                lambda s: staff_services.deactivate(s, actor_id=officer[0].id, reason="퇴사")):
        client = app.test_client()
        _at_next_step()
        staff_login(client, target)
        assert _signed_in(client)
        end(target[0])
        assert not _signed_in(client)
        if target[0].active:  # after a reset the account has new credentials
            target = (target[0], *staff_services.reset_credentials(target[0]))
    assert staff_sessions.end_staff_sessions(target[0].id) == 0


def test_flask_staff_reset_kills_a_half_done_sign_in(app, runner):
    staff, password, old_secret = make_staff("order_staff")
    client = app.test_client()
    enrol = _password_step(client, (staff, password, old_secret))
    assert client.get(enrol).status_code == 200  # the enrolment page (first sign-in)

    result = runner.invoke(args=["staff", "reset", staff.login_id])
    assert result.exit_code == 0, result.output
    new_secret = staff_services.find_by_login_id(staff.login_id).totp_secret
    assert new_secret != old_secret

    page = client.get(enrol)
    assert page.status_code == 302 and page.headers["Location"].endswith("/admin/login")
    assert new_secret not in page.get_data(as_text=True)
    resp = client.post(enrol, data={"code": pyotp.TOTP(new_secret).at(int(clock.now().timestamp()))})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/login")
    assert not _signed_in(client)


def test_the_password_step_expires_after_five_minutes(app):
    staff_tuple = make_staff("order_staff")
    client = app.test_client()
    step = _password_step(client, staff_tuple)
    clock.advance(minutes=5, seconds=1)
    resp = client.post(step, data={"code": totp_now(staff_tuple[2])})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/login")
    assert not _signed_in(client)

    fresh = app.test_client()  # within the 5 minutes it works
    step = _password_step(fresh, staff_tuple)
    clock.advance(minutes=4, seconds=50)
    resp = fresh.post(step, data={"code": totp_now(staff_tuple[2])})
    assert resp.status_code == 302 and "/admin/login" not in resp.headers["Location"]


def test_one_totp_code_completes_one_sign_in(app):
    staff_tuple = make_staff("order_staff")
    first, second = app.test_client(), app.test_client()
    _at_next_step()
    staff_login(first, staff_tuple)  # enrols and signs in with this step's code
    code = totp_now(staff_tuple[2])
    step = _password_step(second, staff_tuple)
    resp = second.post(step, data={"code": code})
    assert resp.status_code == 200 and "인증 코드가 올바르지 않습니다" in resp.get_data(as_text=True)
    assert not _signed_in(second)
    # An earlier step's code (still inside the drift window) is refused as well.
    previous = pyotp.TOTP(staff_tuple[2]).at(int(clock.now().timestamp()) - 30)
    assert second.post(step, data={"code": previous}).status_code == 200
    _at_next_step()
    resp = second.post(step, data={"code": totp_now(staff_tuple[2])})
    assert resp.status_code == 302 and "/admin/login" not in resp.headers["Location"]


def test_staff_reauth_failures_lock_the_account_and_end_its_sessions(app):
    staff_tuple = make_staff("privacy_officer")
    here, there = app.test_client(), app.test_client()
    _at_next_step()
    staff_login(here, staff_tuple)
    _at_next_step()
    staff_login(there, staff_tuple)
    for _ in range(4):
        resp = here.post("/admin/reauth", data={"password": "wrong-guess", "code": "000000"})
        assert resp.status_code == 200
    resp = here.post("/admin/reauth", data={"password": "wrong-guess", "code": "000000"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/login")
    assert not _signed_in(here) and not _signed_in(there)
    assert staff_services.is_locked(staff_services.find_by_login_id(staff_tuple[0].login_id))


def test_one_code_submitted_from_several_half_done_sign_ins_at_once_completes_one(app, live_server):
    staff, password, secret = make_staff("order_staff")
    browsers = []
    for _ in range(4):  # four password steps done; each now holds the same TOTP code
        b = LiveClient(live_server)
        token = b.csrf("/admin/login")
        step = b.post("/admin/login", {"login_id": staff.login_id, "password": password, "csrf_token": token})
        assert step.status == 302
        browsers.append((b, step.location, token))
    code = totp_now(secret)
    replies = race(app, [lambda b=b, loc=loc, tok=tok: b.request("POST", loc, {"code": code, "csrf_token": tok})
                         for b, loc, tok in browsers])
    assert not errors(replies)
    signed_in = [r for r in replies if r.status == 302 and "/admin/login" not in r.location]
    assert len(signed_in) == 1, [(r.status, r.location) for r in replies]
    # The others stay signed out: the code refused (200), or — when the winner's sign-in just
    # enrolled the authenticator — sent on from the enrolment page to the code step.
    assert all(r.status == 200 or (r.status == 302 and r.location.startswith("/admin/login"))
               for r in replies if r not in signed_in), [(r.status, r.location) for r in replies]
