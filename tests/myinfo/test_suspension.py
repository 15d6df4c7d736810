"""Suspension (처리정지) and marketing withdrawal: at once, in the ledger, honoured by later sends."""
from __future__ import annotations

from sentem.extensions import db
from sentem.myinfo import services
from sentem.privacy import consent
from tests.builders import login_as
from tests.myinfo.builders import full_member


def test_withdraw_marketing_email_per_channel(client, app):
    m = full_member("mk")
    assert not services.excluded_from_marketing(m.id, "email")
    login_as(client, m)
    resp = client.post("/me/consents", data={"kind": "marketing_email", "value": "off"})
    assert resp.status_code == 302
    assert services.excluded_from_marketing(m.id, "email")
    assert not services.excluded_from_marketing(m.id, "sms")  # the other channel is untouched
    assert m.id not in consent.member_ids_with("marketing_email")
    assert m.id in consent.member_ids_with("marketing_sms")
    html = client.get("/me/consents").get_data(as_text=True)
    assert "/me/consents" in html  # the change is in the visible history


def test_suspensions_are_ledger_rows_visible_in_history(client, app):
    m = full_member("st")
    assert services.statistics_allowed(m.id) and services.optional_processing_allowed(m.id)
    login_as(client, m)
    client.post("/me/consents", data={"kind": "suspend_statistics", "value": "on"})
    client.post("/me/consents", data={"kind": "suspend_optional", "value": "on"})
    assert not services.statistics_allowed(m.id)
    assert not services.optional_processing_allowed(m.id)
    kinds = [(row.kind, row.granted) for row in consent.history(m.id)]
    assert ("suspend_statistics", True) in kinds and ("suspend_optional", True) in kinds
    html = client.get("/me/data").get_data(as_text=True)
    assert "이용 통계·맞춤 광고" in html  # consent history section of /me/data (from the registry walk)
    client.post("/me/consents", data={"kind": "suspend_statistics", "value": "off"})
    assert services.statistics_allowed(m.id)


def test_unknown_kind_is_refused_clearly(client, app):
    m = full_member("uk")
    login_as(client, m)
    resp = client.post("/me/consents", data={"kind": "terms", "value": "off"}, follow_redirects=True)
    assert "알 수 없는 수신 동의 항목" in resp.get_data(as_text=True)
    assert consent.current(m.id).get("terms") is True


def test_later_campaign_excludes_the_member(client, app):
    from sentem.support import marketing

    keep, stop = full_member("keep"), full_member("stop")
    for member in (keep, stop):
        member.email_verified_at = member.created_at
    db.session.commit()
    login_as(client, stop)
    client.post("/me/consents", data={"kind": "marketing_email", "value": "off"})
    audience = [member_id for member_id, reason in marketing.audience("email") if reason is None]
    assert keep.id in audience and stop.id not in audience


def test_suspended_statistics_exclude_member(app):
    a, b = full_member("sa"), full_member("sb")
    services.set_suspension(b, "suspend_statistics", True)
    counted = [m.id for m in (a, b) if services.statistics_allowed(m.id)]
    assert counted == [a.id]


def test_the_privacy_core_decides_from_the_ledger_for_many_members_at_once(app):
    from sentem.privacy import suspension

    a, b, c = full_member("ca"), full_member("cb"), full_member("cc")
    services.set_suspension(a, suspension.OPTIONAL, True)
    services.set_suspension(b, suspension.OPTIONAL, True)
    services.set_suspension(b, suspension.OPTIONAL, False)  # the latest row decides
    services.set_suspension(c, suspension.STATISTICS, True)
    assert suspension.suspended_members(suspension.OPTIONAL, [a.id, b.id, c.id]) == {a.id}
    assert suspension.suspended_members(suspension.STATISTICS, [a.id, b.id, c.id]) == {c.id}
    assert suspension.suspended_members(suspension.OPTIONAL, []) == set()
    assert a.id in suspension.suspended_members(suspension.OPTIONAL)
    assert not services.optional_processing_allowed(a.id) and services.optional_processing_allowed(b.id)
    assert not services.statistics_allowed(c.id) and services.statistics_allowed(a.id)


def test_optional_items_come_from_the_registry(app):
    from sentem.privacy import suspension
    from sentem.privacy.registry import REGISTRY

    optional = set(suspension.optional_items())
    assert {"birth_date", "home_phone", "postcode", "address1", "address2", "company_name", "company_phone",
            "sns_account"} == optional
    assert all(not REGISTRY.item(key).required for key in optional)
    row = suspension.withhold_optional({"name": "홍*동", "company_name": "***", "address": "서울 ***"},
                                       extra=("address",))
    assert row == {"name": "홍*동", "company_name": "처리정지", "address": "처리정지"}


def test_statistics_stop_for_members_leaving(app):
    m = full_member("lv")
    m.status = "withdrawal_pending"
    db.session.commit()
    assert not services.statistics_allowed(m.id)
