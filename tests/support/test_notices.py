"""The notices board: inert HTML, alerts to members who consented."""
from sentem.extensions import db
from sentem.notify import outbox
from sentem.support import notices
from tests.builders import make_member
from tests.support.builders import grant

SCRIPT = '<script>alert("x")</script>'


def test_notice_html_is_shown_inert(client):
    notice = notices.post(f"공지 {SCRIPT}", f"본문 {SCRIPT}<b>굵게</b>")
    db.session.commit()
    for path in ("/notices", f"/notices/{notice.id}"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<b>굵게</b>" not in client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert client.get("/notices/99999").status_code == 404


def test_members_who_consented_get_an_alert(app):
    yes, _no_consent = make_member(), make_member()
    grant(yes, "notices")
    gone = make_member(); grant(gone, "notices"); gone.status = "withdrawn"; db.session.commit()
    notices.post("배송 휴무 안내", "설 연휴 배송 휴무")
    db.session.commit()
    alerts = outbox.messages(category="notice")
    assert [m["member_id"] for m in alerts] == [yes.id]
    assert "배송 휴무 안내" in alerts[0]["subject"]


def test_rolled_back_notice_alerts_nobody(app):
    member = make_member(); grant(member, "notices")
    notices.post("취소될 공지", "본문")
    db.session.rollback()
    assert outbox.messages(category="notice") == []


def test_members_turn_alerts_on_and_off(client):
    from sentem.privacy import consent
    from sentem.support import marketing
    from tests.builders import login_as

    member = make_member()
    login_as(client, member)
    assert "받지 않음" in client.get("/notices/alerts").get_data(as_text=True)
    assert client.post("/notices/alerts", data={"alerts": "on"}).status_code == 302
    assert consent.current(member.id)["notices"] is True
    notices.post("공지", "본문")
    db.session.commit()
    body = outbox.messages(category="notice", member_id=member.id)[0]["body"]
    link = body.split("그만 받으려면: ")[1].split()[0]
    client.post("/logout")
    path = link[link.index("/marketing/"):]
    assert client.get(path).status_code == 200
    assert consent.current(member.id)["notices"] is True  # opening the link only asks
    assert client.post(path, data={"confirm": "yes"}).status_code == 200
    assert consent.current(member.id)["notices"] is False
    assert marketing.read_opt_out_token(marketing.opt_out_token(member.id, "notices")) == (member.id, "notices")
