"""Campaign audiences obey suspension of processing (PIPA Art. 37): a member who suspends
statistics and recommendations is left out of later campaigns (the consents page promises
it) and is back once they resume; targeting reads no optional item, so suspending those
leaves the audience as it is. Both go through the member's own consents page."""
from sentem.myinfo import services
from sentem.notify import outbox
from sentem.support import marketing
from sentem.support.models import CampaignSend
from tests.admin.builders import make_staff, staff_login
from tests.builders import login_as, make_member
from tests.support.builders import grant, verify_email


def _subscriber(**kw):
    member = make_member(**kw)
    verify_email(member)
    grant(member, "marketing_email", "marketing_sms")
    return member


def _reached(channel: str) -> dict:
    return dict(marketing.audience(channel))


def test_statistics_suspension_takes_the_member_out_of_campaigns_until_resumed(client):
    stays, pauses = _subscriber(), _subscriber()
    login_as(client, pauses)
    client.post("/me/consents", data={"kind": "suspend_statistics", "value": "on"})
    for channel in ("email", "sms"):
        reached = _reached(channel)
        assert reached[stays.id] is None and reached[pauses.id] == "suspended"

    campaign = marketing.create_campaign("email", "봄 할인", "전 품목 10% 할인", staff_id=None)
    assert marketing.send_campaign(campaign.id) == (1, 1)
    assert [m["member_id"] for m in outbox.messages(category="marketing")] == [stays.id]
    row = CampaignSend.query.filter_by(campaign_id=campaign.id, member_id=pauses.id).one()
    assert row.outcome == "skipped" and row.reason == "suspended"

    client.post("/me/consents", data={"kind": "suspend_statistics", "value": "off"})
    assert _reached("email")[pauses.id] is None
    later = marketing.create_campaign("email", "여름 할인", "전 품목 20% 할인", staff_id=None)
    marketing.send_campaign(later.id)
    assert outbox.messages(category="marketing", member_id=pauses.id)


def test_optional_items_suspension_does_not_change_the_audience(client):
    member = _subscriber(company_name="센템상사", birth_date="1990-01-31")
    login_as(client, member)
    client.post("/me/consents", data={"kind": "suspend_optional", "value": "on"})
    assert _reached("email")[member.id] is None  # only the email address (a required item) is used


def test_staff_screen_counts_suspended_members_as_left_out(client):
    _subscriber()
    paused = _subscriber()
    services.set_suspension(paused, "suspend_statistics", True)
    staff_login(client, make_staff("privacy_officer"))
    page = client.get("/admin/marketing").get_data(as_text=True)
    assert page.count("<td>1</td>") == 2 and page.count("처리정지 1") == 2  # email and SMS rows
