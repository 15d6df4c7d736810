"""Staff management by the privacy officer: create, change role, revoke — all recorded."""
from sentem import clock
from sentem.extensions import db
from sentem.privacy.access_log import AccessLogEntry
from sentem.staff.models import RoleChange, Staff

from .builders import make_staff, reauth, staff_login


def test_officer_creates_changes_and_revokes(client):
    officer = make_staff("privacy_officer")
    staff_login(client, officer)
    assert client.get("/admin/staff").status_code == 200
    r = client.post("/admin/staff/new", data={"login_id": "park", "role": "order_staff", "reason": "신규 입사"})
    assert r.status_code == 200 and "초기 비밀번호" in r.get_data(as_text=True)
    new = db.session.query(Staff).filter(Staff.id != officer[0].id).one()
    assert new.role == "order_staff"
    r = client.post(f"/admin/staff/{new.id}/role", data={"role": "shipping_staff", "reason": "부서 이동"})
    assert r.status_code == 302
    r = client.post(f"/admin/staff/{new.id}/deactivate", data={"reason": "퇴사", "confirm": "y"})
    db.session.expire_all()
    new = db.session.get(Staff, new.id)
    assert new.role == "shipping_staff" and not new.active
    kinds = [c.kind for c in db.session.query(RoleChange).filter_by(staff_id=new.id).order_by(RoleChange.id)]
    assert kinds == ["grant", "change", "revoke"]
    actions = {e.action for e in db.session.query(AccessLogEntry)}
    assert {"staff.create", "staff.role", "staff.revoke"} <= actions
    assert "부서 이동" in client.get(f"/admin/staff/{new.id}").get_data(as_text=True)


def test_role_change_needs_fresh_reauth_and_reason(client):
    officer = make_staff("privacy_officer")
    other = make_staff("order_staff")
    staff_login(client, officer)
    r = client.post(f"/admin/staff/{other[0].id}/role", data={"role": "auditor", "reason": "   "})
    db.session.expire_all()
    assert db.session.get(Staff, other[0].id).role == "order_staff"
    clock.advance(minutes=6)
    r = client.post(f"/admin/staff/{other[0].id}/role", data={"role": "auditor", "reason": "감사 업무"},
                    headers={"Referer": f"/admin/staff/{other[0].id}"})
    assert r.status_code == 302 and "/admin/reauth" in r.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Staff, other[0].id).role == "order_staff"
    assert reauth(client, officer).status_code == 302
    client.post(f"/admin/staff/{other[0].id}/role", data={"role": "auditor", "reason": "감사 업무"})
    db.session.expire_all()
    assert db.session.get(Staff, other[0].id).role == "auditor"


def test_deactivated_staff_is_signed_out(client):
    officer = make_staff("privacy_officer")
    other = make_staff("support_staff")
    c2 = client.application.test_client()
    staff_login(c2, other)
    assert c2.get("/admin/dashboard").status_code == 200
    staff_login(client, officer)
    client.post(f"/admin/staff/{other[0].id}/deactivate", data={"reason": "퇴사", "confirm": "y"})
    r = c2.get("/admin/dashboard")
    assert r.status_code == 302 and "/admin/login" in r.headers["Location"]


def test_last_officer_cannot_be_demoted(client):
    officer = make_staff("privacy_officer")
    other = make_staff("privacy_officer")
    staff_login(client, officer)
    client.post(f"/admin/staff/{other[0].id}/deactivate", data={"reason": "퇴사", "confirm": "y"})
    client.post(f"/admin/staff/{officer[0].id}/role", data={"role": "auditor", "reason": "이동"})
    db.session.expire_all()
    assert db.session.get(Staff, officer[0].id).role == "privacy_officer"


def test_deactivated_accounts_expire_after_their_records(app):
    from sentem.privacy.registry import REGISTRY
    from sentem.staff import services as staff_services

    with clock.frozen_at("2021-01-05"):
        officer = make_staff("privacy_officer")
        old = make_staff("auditor")
        staff_services.deactivate(old[0], actor_id=officer[0].id, reason="퇴사")
    old_id, officer_id = old[0].id, officer[0].id
    rc = REGISTRY.record_class("staff_account")
    assert rc.expire(clock.now(), 10) == 0  # its role-change records are still kept
    assert REGISTRY.record_class("staff_role_changes").expire(clock.now(), 10) == 3
    assert rc.expire(clock.now(), 10) == 1
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Staff, old_id) is None and db.session.get(Staff, officer_id) is not None
