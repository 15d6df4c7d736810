"""Registry entries of membership: items declared, export, archive, destroy, expire."""
import datetime as dt

from sqlalchemy import func, select

from sentem import clock
from sentem.accounts import history
from sentem.accounts.history import LoginEvent
from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.notify import outbox
from sentem.privacy.registry import REGISTRY
from sentem.privacy.retention.expiry import expire_batch
from tests.accounts.builders import register_member


def test_record_classes_declared_with_functions():
    for key in ("member_profile", "consent_record", "login_history"):
        rc = REGISTRY.record_class(key)
        assert rc.export and rc.destroy and rc.expire and rc.collect_archive and rc.models
        for item in rc.items:
            assert REGISTRY.item(item).record_class == key
    logins = REGISTRY.record_class("login_history")
    assert logins.retention.years == 5 and logins.on_withdrawal == "archive"
    assert "전자상거래" in logins.legal_basis_ko
    assert {"terms", "privacy", "marketing_email", "marketing_sms"} <= set(REGISTRY.consents)


def test_profile_export_is_decrypted_and_labelled(app):
    m = register_member(address1="부산 해운대구 1", name="박수출")
    [row] = REGISTRY.record_class("member_profile").export(m.id)
    assert row["이름"] == "박수출" and row["자택 주소"] == "부산 해운대구 1" and row["로그인 ID"] == m.login_id
    assert "비밀번호" not in row and row["이메일 인증"] == "미인증"


def test_destroy_profile_deletes_the_row_and_outbox_files(app):
    m = register_member()
    assert outbox.messages(member_id=m.id)
    assert REGISTRY.record_class("member_profile").destroy(m.id) == 1
    db.session.commit()
    assert db.session.get(Member, m.id) is None
    assert outbox.messages(member_id=m.id) == []


def test_login_history_export_archive_destroy(app):
    m = register_member()
    history.record("login", m, ip="192.0.2.1", user_agent="UA/1")
    history.record("logout", m, ip="192.0.2.1", user_agent="UA/1")
    db.session.commit()
    rc = REGISTRY.record_class("login_history")
    rows = rc.export(m.id)
    assert [r["구분"] for r in rows] == ["로그인", "로그아웃"] and rows[0]["접속 IP 정보"] == "192.0.2.1"
    archived = rc.collect_archive(m.id)
    assert len(archived) == 2 and archived[0].payload["ip"] == "192.0.2.1"
    assert archived[0].occurred_at == clock.now()
    assert rc.destroy(m.id) == 2
    db.session.commit()
    assert rc.export(m.id) == []


def test_login_history_expires_after_five_years(app):
    m = register_member()
    history.record("login", m, ip="192.0.2.1", user_agent="UA")
    history.record("failure", None, ip="192.0.2.2", user_agent="UA")
    db.session.commit()
    rc = REGISTRY.record_class("login_history")
    assert expire_batch(rc, clock.now() + dt.timedelta(days=365 * 5 - 2), 100) == 0
    assert expire_batch(rc, clock.add_years(clock.now(), 5) + dt.timedelta(seconds=1), 1) == 1
    assert expire_batch(rc, clock.add_years(clock.now(), 5) + dt.timedelta(seconds=1), 100) == 1
    db.session.commit()
    assert db.session.execute(select(func.count(LoginEvent.id))).scalar_one() == 0


def test_consent_record_kept_until_withdrawal(app):
    m = register_member()
    rc = REGISTRY.record_class("consent_record")
    assert rc.expire(clock.now(), frozenset(), 100) == 0  # no period: the engine never calls it
    assert rc.collect_archive(m.id) == []
    assert len(rc.export(m.id)) == len(REGISTRY.consents)
