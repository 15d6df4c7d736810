"""Builders for the staff area: staff accounts and a real sign-in (password + TOTP)."""
from __future__ import annotations

import itertools

import pyotp

from sentem import clock

_seq = itertools.count(1)


def make_staff(role: str, **kw):
    """A committed staff account of ``role``. Returns (staff, password, totp_secret)."""
    from sentem.staff.services import create_staff

    login_id = kw.pop("login_id", None) or f"staff{next(_seq):04d}-{role}"
    return create_staff(login_id, role, kw.pop("password", None), **kw)


def totp_now(secret: str) -> str:
    """The code an authenticator shows at the Sentem clock's time."""
    return pyotp.TOTP(secret).at(int(clock.now().timestamp()))


def staff_login(client, staff_tuple, next_url: str | None = None):
    """Sign in through the real forms: login ID + password, then the TOTP step
    (enrolment on first sign-in). Returns the final response."""
    staff, password, secret = staff_tuple
    query = f"?next={next_url}" if next_url else ""
    resp = client.post(f"/admin/login{query}", data={"login_id": staff.login_id, "password": password})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    resp = client.post(resp.headers["Location"], data={"code": totp_now(secret)})
    assert resp.status_code == 302 and "/admin/login" not in resp.headers["Location"], \
        resp.get_data(as_text=True)[:500]
    return resp


def reauth(client, staff_tuple):
    """Re-authenticate (password + TOTP) for a sensitive action."""
    _staff, password, secret = staff_tuple
    return client.post("/admin/reauth", data={"password": password, "code": totp_now(secret)})
