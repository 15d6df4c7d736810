"""Versions: snapshot, 7-day notice rule, notice on the board, readable diffs, CLI."""
import datetime as dt

import pytest

from sentem import clock
from sentem.extensions import db
from sentem.policy import services
from sentem.privacy import consent, policy_versions, registers
from sentem.support.models import Notice
from tests.builders import make_member


def test_effective_date_six_days_after_notice_is_refused(app):
    with pytest.raises(services.PublishError) as exc:
        services.publish(clock.today() + dt.timedelta(days=6), "변경")
    assert "7일" in str(exc.value) and "가장 빠른 시행일" in str(exc.value)
    assert len(policy_versions.all_versions(published_only=False)) == 1
    assert db.session.query(Notice).count() == 0


def test_publish_posts_the_notice_now_and_takes_effect_later(client):
    effective = clock.today() + dt.timedelta(days=7)
    version = services.publish(effective, "수탁자 변경")
    assert version.label == "v2" and version.is_published
    notice = db.session.query(Notice).filter_by(policy_version_id=version.id).one()
    assert notice.kind == "policy" and effective.isoformat() in notice.title
    assert "수탁자 변경" in client.get(f"/notices/{notice.id}").get_data(as_text=True)
    # still v1 until the effective day (KST), with the coming change announced on the page
    assert policy_versions.current_version().label == "v1"
    page = client.get("/privacy").get_data(as_text=True)
    assert f"/privacy/versions/{version.id}" in page and effective.isoformat() in page
    clock.freeze(effective)
    assert policy_versions.current_version().label == "v2"
    assert "v2" in client.get("/privacy").get_data(as_text=True)


def test_register_change_prepares_a_draft_and_the_diff_is_readable(client):
    registers.save("entrustment", {"entrustee": "한빛택배", "tasks_ko": "상품 배송", "period_ko": "배송 완료 시까지"})
    draft = policy_versions.open_draft()
    assert draft is not None and not draft.is_published and "한빛택배" in draft.summary
    assert "한빛택배" in draft.notice_body
    # the public page still shows the version in force
    assert "한빛택배" not in client.get("/privacy").get_data(as_text=True)
    version = services.publish(clock.today() + dt.timedelta(days=10))
    assert version.id == draft.id and "한빛택배" in version.notice_body
    page = client.get(f"/privacy/versions/{version.id}").get_data(as_text=True)
    added = page.split('class="diff-added"')[1].split("</ul>")[0]
    assert "위탁: 한빛택배" in added
    listing = client.get("/privacy/versions").get_data(as_text=True)
    assert "v1" in listing and "v2" in listing and "시행 예정" in listing
    # the old version stays readable
    v1 = policy_versions.all_versions()[-1]
    old = client.get(f"/privacy/versions/{v1.id}").get_data(as_text=True)
    assert "최초 버전" in old and "한빛택배" not in old


def test_drafts_are_not_public(client):
    registers.save("provision", {"recipient": "ACME", "purpose_ko": "x", "items_ko": "이름", "period_ko": "1년",
                                 "basis_ko": "별도 동의"})
    draft = policy_versions.open_draft()
    assert client.get(f"/privacy/versions/{draft.id}").status_code == 404
    assert client.get("/privacy/versions/99999").status_code == 404


def test_consent_records_the_version_in_force(app):
    member = make_member()
    row = consent.record(member.id, "marketing_email", True, ip="127.0.0.1", user_agent="t", screen="test")
    assert row.policy_version == "v1"


def test_cli_publish_refuses_early_date_and_publishes(runner):
    too_early = (clock.today() + dt.timedelta(days=6)).isoformat()
    result = runner.invoke(args=["policy", "publish", "--effective", too_early])
    assert result.exit_code != 0 and "7일" in result.output
    ok = (clock.today() + dt.timedelta(days=7)).isoformat()
    result = runner.invoke(args=["policy", "publish", "--effective", ok, "--summary", "문구 정비"])
    assert result.exit_code == 0, result.output
    assert "v2" in result.output
    listing = runner.invoke(args=["policy", "versions"])
    assert "v1" in listing.output and "v2" in listing.output


def test_init_step_is_idempotent(app):
    from sentem import init_steps

    init_steps.run(app)
    db.session.commit()
    assert [v.label for v in policy_versions.all_versions(published_only=False)] == ["v1"]
    # the seed's own row and one row per configured processor, once each
    assert len(registers.entrustments()) == 1 + len(registers.configured())


def test_version_in_force_says_what_the_registry_says(app):
    # The page shows the version in force; at install it is exactly the live registry.
    assert services.live_differs_from_current() is False
    registers.save("entrustment", {"entrustee": "새 수탁자", "tasks_ko": "x", "period_ko": "y"})
    assert services.live_differs_from_current() is True
