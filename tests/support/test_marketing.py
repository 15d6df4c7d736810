"""Marketing reaches exactly the members who may receive it (Network Act Art. 50)."""
import datetime as dt

from sentem import clock
from sentem.extensions import db
from sentem.notify import outbox
from sentem.privacy import consent
from sentem.support import consent_notice, marketing
from sentem.support.models import CampaignSend
from tests.builders import make_member
from tests.support.builders import grant, verify_email


def _email_campaign():
    return marketing.create_campaign("email", "겨울 할인", "<b>전 품목 10%</b> 할인", staff_id=None)


def test_email_campaign_reaches_only_consenting_verified_active_members(app):
    ok = make_member(); verify_email(ok); grant(ok, "marketing_email")
    unverified = make_member(); grant(unverified, "marketing_email")
    no_consent = make_member(); verify_email(no_consent)
    withdrew_consent = make_member(); verify_email(withdrew_consent)
    grant(withdrew_consent, "marketing_email"); grant(withdrew_consent, "marketing_email", granted=False)
    gone = make_member(); verify_email(gone); grant(gone, "marketing_email")
    gone.status = "withdrawn"; db.session.commit()
    pending = make_member(); verify_email(pending); grant(pending, "marketing_email")
    pending.status = "withdrawal_pending"; db.session.commit()

    campaign = _email_campaign()
    sent, _ = marketing.send_campaign(campaign.id)
    msgs = outbox.messages(category="marketing")
    assert sent == 1 and [m["member_id"] for m in msgs] == [ok.id]
    for member in (unverified, no_consent, withdrew_consent, gone, pending):
        assert not outbox.messages(category="marketing", member_id=member.id)
    msg = msgs[0]
    assert msg["subject"].startswith("(광고)") and msg["body"].startswith("(광고)")
    assert "센템" in msg["body"] and "1544-2755" in msg["body"]
    assert "/marketing/opt-out/" in msg["body"]
    # recorded without the message text
    rows = db.session.query(CampaignSend).filter_by(campaign_id=campaign.id).all()
    assert {(r.member_id, r.outcome) for r in rows} >= {(ok.id, "sent"), (unverified.id, "skipped")}
    assert not hasattr(CampaignSend, "body")
    # running again sends nobody twice
    assert marketing.send_campaign(campaign.id) == (0, 0)
    assert len(outbox.messages(category="marketing")) == 1


def test_campaign_to_a_withdrawn_member_is_never_sent(app):
    member = make_member(); verify_email(member); grant(member, "marketing_email", "marketing_sms")
    member.status = "withdrawn"; db.session.commit()
    for channel in ("email", "sms"):
        campaign = marketing.create_campaign(channel, "제목", "본문", staff_id=None)
        marketing.send_campaign(campaign.id)
    assert outbox.messages(member_id=member.id, category="marketing") == []


def test_suspended_member_gets_nothing(app):
    member = make_member(); verify_email(member); grant(member, "marketing_email")
    # the member suspends marketing from "My info" (PIPA Art. 37), through the my-info feature
    from sentem.myinfo import services as myinfo

    myinfo.set_marketing(member, "marketing_email", False)
    assert myinfo.excluded_from_marketing(member.id, "email")
    marketing.send_campaign(_email_campaign().id)
    assert outbox.messages(member_id=member.id, category="marketing") == []


def test_sms_at_night_needs_night_consent(app):
    day_only = make_member(); grant(day_only, "marketing_sms")
    night_too = make_member(); grant(night_too, "marketing_sms", "marketing_sms_night")
    clock.freeze("2026-11-28T13:30:00+00:00")  # 22:30 KST
    campaign = marketing.create_campaign("sms", None, "오늘 밤 특가", staff_id=None)
    marketing.send_campaign(campaign.id)
    assert [m["member_id"] for m in outbox.messages(category="marketing")] == [night_too.id]
    row = db.session.query(CampaignSend).filter_by(member_id=day_only.id).one()
    assert row.reason == "night_no_consent"
    clock.freeze("2026-11-28T02:00:00+00:00")  # 11:00 KST
    marketing.send_campaign(marketing.create_campaign("sms", None, "낮 특가", staff_id=None).id)
    assert day_only.id in [m["member_id"] for m in outbox.messages(category="marketing")]
    assert all(m["body"].startswith("(광고)왓플래닛(센템)") and "무료수신거부" in m["body"] and "1544-2755" in m["body"]
               for m in outbox.messages(category="marketing"))


def test_opt_out_link_asks_on_get_and_withdraws_consent_on_post_without_login(client):
    member = make_member(); verify_email(member); grant(member, "marketing_email")
    url = marketing.opt_out_url(member.id, "email")
    path = url[url.index("/marketing/"):]
    # A mail scanner or link preview opens the link (GET, HEAD): nothing changes.
    for method in ("GET", "HEAD"):
        resp = client.open(path, method=method)
        assert resp.status_code == 200
        assert consent.current(member.id)["marketing_email"] is True
    page = client.get(path).get_data(as_text=True)
    assert "수신을 거부하시겠습니까" in page and 'method="post"' in page
    resp = client.post(path, data={"confirm": "yes"})
    assert resp.status_code == 200 and "수신을 거부" in resp.get_data(as_text=True)
    assert consent.current(member.id)["marketing_email"] is False
    assert consent.history(member.id)[-1].screen == "marketing_opt_out"
    assert client.post(path, data={"confirm": "yes"}).status_code == 200  # twice is harmless


def test_marketing_mail_offers_rfc8058_one_click_that_works_without_csrf_token(app, client):
    member = make_member(); verify_email(member); grant(member, "marketing_email")
    marketing.send_campaign(_email_campaign().id)
    msg = outbox.messages(member_id=member.id, category="marketing")[0]
    assert msg["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = msg["headers"]["List-Unsubscribe"].strip("<>")
    assert link in msg["body"]
    app.config["WTF_CSRF_ENABLED"] = True  # a mail client's POST carries no CSRF token
    resp = client.post(link[link.index("/marketing/"):], data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 200
    assert consent.current(member.id)["marketing_email"] is False


def test_tampered_opt_out_link_is_refused(client):
    member = make_member(); grant(member, "marketing_email")
    token = marketing.opt_out_token(member.id, "email")
    bad = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    resp = client.get(f"/marketing/opt-out/{bad}")
    assert resp.status_code == 400 and "올바르지 않습니다" in resp.get_data(as_text=True)
    assert client.get("/marketing/opt-out/garbage").status_code == 400
    assert consent.current(member.id)["marketing_email"] is True


def test_campaign_input_is_checked(app):
    import pytest

    with pytest.raises(marketing.CampaignError) as exc:
        marketing.create_campaign("fax", "", "", staff_id=None)
    assert {"channel", "body"} <= set(exc.value.errors)


def test_biennial_notice_once_per_two_years(app):
    member = make_member(); verify_email(member)
    clock.freeze("2024-11-27T01:00:00+00:00")
    grant(member, "marketing_email")
    clock.freeze("2026-11-26T01:00:00+00:00")
    assert consent_notice.biennial_notice() == 0  # not yet two years
    clock.freeze("2026-11-28T01:00:00+00:00")
    assert consent_notice.biennial_notice() == 1
    msg = outbox.messages(category="marketing_consent_notice")[0]
    assert "2024-11-27" in msg["body"] and "센템" in msg["body"] and "/me/consents" in msg["body"]
    assert consent_notice.biennial_notice() == 0  # idempotent
    assert consent_notice.biennial_notice_job() == 0
    clock.freeze(dt.datetime(2028, 11, 28, 1, tzinfo=dt.timezone.utc))
    assert consent_notice.biennial_notice() == 1  # the 4-year mark


def test_marketing_records_are_exported_and_destroyed(app):
    from sentem.privacy.registry import REGISTRY

    member = make_member(); verify_email(member); grant(member, "marketing_email")
    marketing.send_campaign(_email_campaign().id)
    rc = REGISTRY.record_class("marketing_record")
    rows = rc.export(member.id)
    assert rows and rows[0]["결과"] == "발송" and "본문" not in str(rows)
    assert rc.destroy(member.id) == 1
    db.session.commit()
    assert db.session.query(CampaignSend).filter_by(member_id=member.id).count() == 0


def test_audit_section_counts_late_privacy_inquiries(app):
    from sentem.privacy.registry import REGISTRY
    from tests.support.builders import make_inquiry

    member = make_member()
    make_inquiry(member, category="privacy")
    start = clock.now() - dt.timedelta(days=30)
    clock.advance(days=11)
    section = REGISTRY.audit_sections["support"](start, clock.now())
    assert section["privacy_inquiries"] == 1 and section["privacy_inquiries_late"] == 1 and section["ok"] is False


def test_biennial_job_is_on_the_schedule(app):
    from sentem.jobs import schedule

    entry = {r.name: r for r in schedule.entries(app)}["marketing-consent-notice"]
    assert entry.resolve() is consent_notice.biennial_notice_job
