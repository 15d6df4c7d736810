"""Correction (정정) and deletion (삭제) of my own items."""
from __future__ import annotations

from sqlalchemy import select

from sentem.extensions import db
from sentem.myinfo.models import CorrectionEvent, RightsRequest
from tests.builders import login_as
from tests.myinfo.builders import PASSWORD, full_member
from tests.orders.builders import make_paid_order


def _form(member, **changes):
    from sentem.myinfo.correction import current_values

    form = current_values(member)
    form.update(changes)
    return form


def test_correcting_mobile_needs_password_and_is_recorded_without_values(client, app):
    m = full_member("corr")
    old_mobile = m.mobile
    login_as(client, m)
    resp = client.post("/me/edit", data=_form(m, mobile="010-9999-8888"))
    assert resp.status_code == 400
    assert "현재 비밀번호" in resp.get_data(as_text=True)
    db.session.refresh(m)
    assert m.mobile == old_mobile

    resp = client.post("/me/edit", data=_form(m, mobile="01099998888", current_password=PASSWORD))
    assert resp.status_code == 302
    db.session.refresh(m)
    assert m.mobile == "010-9999-8888"  # normalised exactly as signup does
    assert m.mobile_bidx == type(m).mobile.index_of("+82 10 9999 8888")
    events = db.session.execute(select(CorrectionEvent).filter_by(member_id=m.id)).scalars().all()
    assert [(e.item_key, e.action) for e in events] == [("mobile", "correct")]
    row = db.session.execute(select(CorrectionEvent.__table__)).first()
    assert old_mobile not in str(tuple(row)) and "9999" not in str(tuple(row))
    req = db.session.execute(select(RightsRequest).filter_by(member_id=m.id, kind="correction")).scalar_one()
    assert req.outcome == "done" and req.answered_at is not None


def test_signup_rules_apply_and_form_keeps_input(client, app):
    m = full_member("rules")
    login_as(client, m)
    resp = client.post("/me/edit", data=_form(m, email="not-an-email", birth_date="2999-01-01",
                                              name="", current_password=PASSWORD))
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "올바른 이메일" in html and "생년월일" in html and "이름을 입력" in html
    assert 'value="not-an-email"' in html
    assert PASSWORD not in html
    db.session.refresh(m)
    assert "@" in m.email and m.name


def test_email_change_resets_verification_and_login_id_is_reindexed(client, app):
    from sentem import clock
    from sentem.accounts import services

    m = full_member("mail")
    m.email_verified_at = clock.now()
    db.session.commit()
    login_as(client, m)
    resp = client.post("/me/edit", data=_form(m, email="new-address@example.com", login_id="renamed_member",
                                              current_password=PASSWORD))
    assert resp.status_code == 302
    db.session.refresh(m)
    assert m.email_verified_at is None
    from sentem.notify import outbox

    assert outbox.messages(to="new-address@example.com", category="email_verification")
    assert services.find_by_login_id("renamed_member").id == m.id
    assert services.find_by_email("new-address@example.com").id == m.id


def test_taken_login_id_and_email_are_refused(client, app):
    a, b = full_member("taken"), full_member("taker")
    login_as(client, b)
    resp = client.post("/me/edit", data=_form(b, login_id=a.login_id, email=a.email, current_password=PASSWORD))
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "이미 사용 중인 아이디" in html and "이미 가입된 이메일" in html


def test_optional_item_deleted_at_once(client, app):
    m = full_member("del")
    login_as(client, m)
    resp = client.post("/me/items/company_name/delete")
    assert resp.status_code == 302
    db.session.refresh(m)
    assert m.company_name is None and m.company_name_ct is None
    ev = db.session.execute(select(CorrectionEvent).filter_by(member_id=m.id)).scalar_one()
    assert (ev.item_key, ev.action) == ("company_name", "delete")
    req = db.session.execute(select(RightsRequest).filter_by(member_id=m.id, kind="deletion")).scalar_one()
    assert req.outcome == "done"


def test_required_item_cannot_be_deleted(client, app):
    m = full_member("req")
    login_as(client, m)
    resp = client.post("/me/items/email/delete", follow_redirects=True)
    assert "필수 항목은 삭제할 수 없습니다" in resp.get_data(as_text=True)
    db.session.refresh(m)
    assert m.email


def test_transaction_record_deletion_answered_with_law_and_date(client, app):
    from sentem.privacy.registry import REGISTRY

    m = full_member("law")
    order = make_paid_order(m)
    login_as(client, m)
    resp = client.post("/me/records/orders/delete", follow_redirects=True)
    html = resp.get_data(as_text=True)
    rc = REGISTRY.record_classes["orders"]
    assert rc.legal_basis_ko in html
    assert "2031-11-28" in html  # ordered 2026-11-28 (KST), kept 5 years
    assert order.order_no in html
    req = db.session.execute(select(RightsRequest).filter_by(member_id=m.id, kind="deletion")).scalar_one()
    assert req.outcome == "refused" and req.legal_basis == rc.legal_basis_ko and req.answered_at


def test_unknown_record_class_is_404(client, app):
    m = full_member("unk")
    login_as(client, m)
    assert client.post("/me/records/nope/delete").status_code == 404


def test_partial_post_changes_only_what_was_sent(client, app):
    m = full_member("part")
    company, sns = m.company_name, m.sns_account
    login_as(client, m)
    resp = client.post("/me/edit", data={"home_phone": "02-555-0101"})
    assert resp.status_code == 302
    db.session.refresh(m)
    assert m.home_phone == "02-555-0101"
    assert (m.company_name, m.sns_account) == (company, sns)
