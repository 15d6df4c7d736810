"""The consent ledger: append-only rows; current state derived from the latest row."""
import pytest

from sentem import clock
from sentem.extensions import db
from sentem.notify import outbox
from sentem.privacy import consent
from sentem.privacy.registry import REGISTRY
from tests.accounts.builders import register_member


def test_signup_records_every_registered_consent_on_its_own(app):
    member = register_member(consents={"marketing_email": True})
    state = consent.current(member.id)
    mine = {"terms": True, "privacy_required": True, "marketing_email": True, "marketing_sms": False}
    assert {k: state[k] for k in mine} == mine
    # Consents other features register are recorded too, each on its own row, unticked = refused.
    assert set(state) == {consent.kind_for(k) for k in REGISTRY.consents}
    assert all(state[k] is False for k in set(state) - set(mine))
    rows = consent.history(member.id)
    assert len(rows) == len(REGISTRY.consents)
    assert {r.screen for r in rows} == {"signup"}
    assert rows[0].ip == "203.0.113.7" and rows[0].user_agent == "pytest-agent"
    assert "203.0.113.7" not in rows[0].ip_ct


def test_withdrawal_appends_and_current_follows_latest(app):
    member = register_member(consents={"marketing_sms": True})
    before = [(r.id, r.granted) for r in consent.history(member.id)]
    clock.advance(days=3)
    consent.record(member.id, "marketing_sms", False, ip="198.51.100.1", user_agent="ua", screen="me/consents")
    db.session.commit()
    after = [(r.id, r.granted) for r in consent.history(member.id)]
    assert after[:len(before)] == before  # nothing rewritten
    assert len(after) == len(before) + 1
    assert consent.current(member.id)["marketing_sms"] is False
    assert member.id not in consent.member_ids_with("marketing_sms")


def test_rows_cannot_be_updated(app):
    member = register_member()
    row = consent.history(member.id)[0]
    row.granted = not row.granted
    with pytest.raises(consent.LedgerError):
        db.session.flush()
    db.session.rollback()


def test_member_ids_with_lists_current_grants(app):
    a = register_member(consents={"marketing_email": True})
    b = register_member()
    assert consent.member_ids_with("marketing_email") == [a.id]
    consent.record(b.id, "marketing_email", True, ip=None, user_agent=None, screen="me/consents")
    db.session.commit()
    assert consent.member_ids_with("marketing_email") == [a.id, b.id]


def test_each_change_is_confirmed_the_same_day(app):
    member = register_member(consents={"marketing_email": True})
    confirmations = outbox.messages(category="consent_confirmation", member_id=member.id)
    assert len(confirmations) == 1  # one message for all the signup's consents
    body = confirmations[0]["body"]
    assert clock.today().isoformat() in body and "마케팅 정보 이메일 수신 동의" in body
    assert "김가입" not in body  # no more personal data than needed
    consent.record(member.id, "marketing_email", False, ip=None, user_agent=None, screen="me/consents")
    db.session.commit()
    latest = outbox.messages(category="consent_confirmation", member_id=member.id)
    assert len(latest) == 2 and "동의 철회" in latest[-1]["body"]
    assert latest[-1]["at"][:10] == clock.now().date().isoformat()


def test_export_and_destroy(app):
    member = register_member()
    rows = consent.export(member.id)
    assert len(rows) == len(REGISTRY.consents) and rows[0]["동의 시 접속 IP"] == "203.0.113.7"
    assert consent.destroy(member.id) == len(REGISTRY.consents)
    db.session.commit()
    assert consent.history(member.id) == []


def test_member_ids_with_skips_members_who_are_leaving(app):
    a = register_member(consents={"marketing_sms": True})
    b = register_member(consents={"marketing_sms": True})
    b.status = "withdrawal_pending"
    db.session.commit()
    assert consent.member_ids_with("marketing_sms") == [a.id]
