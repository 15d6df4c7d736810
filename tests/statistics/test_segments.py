"""Campaign segments: filters narrow the lawful audience, sizes obey k = 5, sends keep the
(광고) label, the opt-out link and the night rule, and a suspended member leaves every
segment on the next run."""
from sentem import clock
from sentem.myinfo import services as myinfo
from sentem.notify import outbox
from sentem.statistics import segments
from sentem.support import marketing
from tests.admin.builders import make_staff, staff_login
from tests.orders.builders import make_category, make_paid_order
from tests.statistics.builders import run, subscriber, visit
from tests.support.builders import grant


def _people():
    young = [subscriber(birth_date="1998-01-01", address1="서울특별시 마포구 1") for _ in range(6)]
    older = [subscriber(birth_date="1970-01-01", address1="부산광역시 중구 1") for _ in range(6)]
    return young, older


def test_a_segment_campaign_reaches_only_matching_members_with_the_ad_rules(app):
    young, older = _people()
    cat = make_category(title="캠핑")
    for m in young[:5]:
        make_paid_order(m, category_id=cat.id)
    run()
    seg = segments.Segment(age_band="20대", category_id=cat.id)
    campaign = marketing.create_campaign("email", "캠핑 할인", "캠핑 용품 10% 할인", staff_id=None, segment=seg)
    assert marketing.send_campaign(campaign.id) == (5, 0)
    sent = outbox.messages(category="marketing")
    assert sorted(m["member_id"] for m in sent) == sorted(m.id for m in young[:5])
    for message in sent:
        assert message["subject"].startswith("(광고)") and "/marketing/opt-out/" in message["body"]


def test_suspending_takes_a_member_out_of_every_segment_on_the_next_run(app):
    young, _older = _people()
    seg = segments.Segment(region="서울")
    run()
    reach = [mid for mid, reason in marketing.audience("email") if reason is None]
    assert segments.matching(seg, reach) == {m.id for m in young}
    myinfo.set_suspension(young[0], "suspend_statistics", True)
    grant(young[1], "marketing_email", granted=False)
    run()
    assert segments.matching(seg, [m.id for m in young]) == {m.id for m in young[2:]}
    assert dict(marketing.audience("email", segment=seg)).keys() == {m.id for m in young[2:]}


def test_last_visit_filter(app):
    young, older = _people()
    for m in young:
        visit(m)
    clock.freeze(clock.now() + __import__("datetime").timedelta(days=40))
    for m in older[:5]:
        visit(m)
    run()
    reach = [mid for mid, reason in marketing.audience("email") if reason is None]
    assert segments.matching(segments.Segment(visited_days=30), reach) == {m.id for m in older[:5]}
    assert segments.matching(segments.Segment(visited_days=90), reach) == {m.id for m in young + older[:5]}


def test_sms_segments_keep_the_night_rule(app):
    young, _ = _people()
    for m in young:
        grant(m, "marketing_sms")
    run()
    clock.freeze("2026-11-28T13:30:00+00:00")  # 22:30 KST
    reasons = dict(marketing.audience("sms", segment=segments.Segment(region="서울")))
    assert set(reasons) == {m.id for m in young} and set(reasons.values()) == {"night_no_consent"}


def test_staff_see_segment_sizes_under_the_floor(client):
    young, older = _people()
    run()
    staff_login(client, make_staff("marketing_staff"))
    form = {"channel": "email", "subject": "", "body": "", "action": "preview"}
    page = client.post("/admin/marketing", data={**form, "age_band": "20대"}).get_data(as_text=True)
    assert 'id="segment-size">이 조건의 발송 대상: <strong>6</strong>명' in page
    older[0].status = "withdrawal_pending"  # 11 reachable: "20대" still 6, "50대" 5
    from sentem.extensions import db
    db.session.commit()
    page = client.post("/admin/marketing", data={**form, "age_band": "50대"}).get_data(as_text=True)
    assert "<strong>6</strong>" not in page and "<strong>5</strong>" in page
    page = client.post("/admin/marketing", data={**form, "age_band": "50대", "region": "서울"}).get_data(as_text=True)
    assert "<strong>0</strong>" in page
    bad = client.post("/admin/marketing", data={**form, "action": "send", "body": "x", "age_band": "999대"})
    assert bad.status_code == 400 and "연령대를 목록에서 골라 주세요." in bad.get_data(as_text=True)


def test_small_segment_sizes_read_less_than_five(client):
    subscriber(birth_date="1998-01-01")
    for _ in range(9):
        subscriber(birth_date="1970-01-01")
    run()
    staff_login(client, make_staff("marketing_staff"))
    form = {"channel": "email", "subject": "", "body": "", "action": "preview"}
    page = client.post("/admin/marketing", data={**form, "age_band": "20대"}).get_data(as_text=True)
    assert "<strong>&lt;5</strong>" in page
    page = client.post("/admin/marketing", data={**form, "age_band": "50대"}).get_data(as_text=True)
    assert "<strong>비공개</strong>" in page  # 9 of 10: the one left out would be told apart
