"""Issue 18, part 3: the configured processors are entrustees; a configuration change drafts a version."""
from __future__ import annotations

import datetime as dt

from sentem import clock
from sentem.extensions import db
from sentem.policy import services
from sentem.privacy import policy_versions, registers
from sentem.support.models import Notice
from tests.admin.builders import make_staff, staff_login
from tests.policy import pagetext

HANBIT = [{"code": "hanbit", "name": "한빛택배", "pattern": r"\d{10}"}]


def _entrustees(client) -> list[str]:
    return pagetext.blocks(pagetext.section(client.get("/privacy").get_data(as_text=True), "entrustment"))


def test_the_first_version_lists_the_seed_row_and_the_configured_carriers(client):
    rows = _entrustees(client)
    assert any("sentem" in r and "회원 탈퇴 시까지" in r for r in rows)
    for name in ("CJ대한통운", "한진택배", "롯데택배", "우체국택배", "로젠택배"):
        assert any(name in r and "상품 배송" in r and "수령인 이름" in r and "배송지 주소" in r for r in rows), name
    # the built-in test gateway and the development outbox hand nothing to anyone
    assert not any("토스페이먼츠" in r for r in rows)
    assert services.revision_needed() is False


def test_changing_carriers_drafts_a_version_and_the_page_keeps_the_one_in_force(app, client, runner):
    officer = make_staff("privacy_officer")
    app.config["SENTEM_CARRIERS"] = HANBIT
    # restarted with the new configuration: the staff are told before anything is synced
    staff_login(client, officer)
    assert "처리방침 개정 필요" in client.get("/admin/dashboard").get_data(as_text=True)
    assert "flask policy sync" in client.get("/admin/policy").get_data(as_text=True)
    assert policy_versions.open_draft() is None
    result = runner.invoke(args=["policy", "sync"])
    assert result.exit_code == 0, result.output
    assert "위탁 추가: 수탁자 한빛택배" in result.output and "위탁 삭제: 수탁자 CJ대한통운" in result.output
    draft = policy_versions.open_draft()
    assert draft is not None and "한빛택배" in draft.summary and "한빛택배" in draft.notice_body
    # the site still shows the version in force
    rows = _entrustees(client)
    assert any("CJ대한통운" in r for r in rows) and not any("한빛택배" in r for r in rows)
    assert policy_versions.current_version().label == "v1"
    # the staff see that a revision is due
    assert "처리방침 개정 필요" in client.get("/admin/dashboard").get_data(as_text=True)
    assert "처리방침 개정 필요" in client.get("/admin/policy").get_data(as_text=True)
    # a second sync changes nothing
    again = runner.invoke(args=["policy", "sync"])
    assert "configuration unchanged" in again.output
    assert len(policy_versions.all_versions(published_only=False)) == 2
    # publishing follows the 7-day notice rule
    too_early = client.post("/admin/policy/publish", data={"effective": (clock.today() + dt.timedelta(days=6))
                                                            .isoformat(), "summary": ""})
    assert too_early.status_code == 400 and "7일" in too_early.get_data(as_text=True)
    effective = clock.today() + dt.timedelta(days=7)
    assert client.post("/admin/policy/publish", data={"effective": effective.isoformat(), "summary": ""}
                       ).status_code == 302
    assert db.session.query(Notice).filter_by(policy_version_id=draft.id).count() == 1
    assert "처리방침 개정 필요" not in client.get("/admin/dashboard").get_data(as_text=True)
    assert not any("한빛택배" in r for r in _entrustees(client))
    clock.freeze(effective)
    rows = _entrustees(client)
    assert any("한빛택배" in r for r in rows) and not any("CJ대한통운" in r for r in rows)


def test_configuration_rows_cannot_be_edited_by_hand(app, client):
    staff_login(client, make_staff("privacy_officer"))
    row = next(e for e in registers.entrustments() if e.source)
    assert client.get(f"/admin/policy/registers/entrustment/{row.id}").status_code == 404
    assert client.post(f"/admin/policy/registers/entrustment/{row.id}/delete").status_code == 404
    assert db.session.get(registers.EntrustmentEntry, row.id) is not None


def test_the_toss_gateway_is_an_entrustee(app):
    app.config["SENTEM_PAYMENT_GATEWAY"] = "toss"
    changes = services.sync()
    assert "- 위탁 추가: 수탁자 토스페이먼츠(주)" in changes
    row = next(e for e in registers.entrustments() if e.entrustee == "토스페이먼츠(주)")
    assert row.tasks_ko == "결제 처리" and row.items_ko and row.period_ko
    app.config["SENTEM_PAYMENT_GATEWAY"] = "test"
    assert "- 위탁 삭제: 수탁자 토스페이먼츠(주)" in services.sync()


def test_the_mail_sender_is_an_entrustee_unless_it_is_local(app):
    app.config.update(SENTEM_OUTBOX="smtp", SENTEM_SMTP_URL="smtp://user:secret@smtp.mailer.example:587")
    assert [e.name for e in registers.configured().values() if e.source == "config:mail"] == ["smtp.mailer.example"]
    app.config["SENTEM_MAIL_PROVIDER"] = "메일러(주)"
    mail = registers.configured()["config:mail"]
    assert mail.name == "메일러(주)" and "이메일" in mail.items_ko
    del app.config["SENTEM_MAIL_PROVIDER"]
    app.config["SENTEM_SMTP_URL"] = "smtp+plain://127.0.0.1:25"
    assert "config:mail" not in registers.configured()
    app.config["SENTEM_OUTBOX"] = "files"
    assert "config:mail" not in registers.configured()


def test_english_page_lists_the_entrustees_in_english(client):
    client.set_cookie("lang", "en")
    rows = pagetext.blocks(pagetext.section(client.get("/privacy").get_data(as_text=True), "entrustment"))
    assert any("CJ대한통운" in r and "Delivering orders" in r and "Recipient name" in r for r in rows)


def test_staff_add_an_entrustee_with_its_items(client):
    staff_login(client, make_staff("privacy_officer"))
    form = client.get("/admin/policy/registers/entrustment/new").get_data(as_text=True)
    assert "위탁하는 항목" in form
    resp = client.post("/admin/policy/registers/entrustment/new", data={
        "entrustee": "상담센터(주)", "tasks_ko": "고객 상담", "items_ko": "이름, 휴대전화 번호", "period_ko": "위탁계약 종료 시까지"})
    assert resp.status_code == 302
    draft = policy_versions.open_draft()
    row = next(e for e in draft.content["entrustees"] if e["name"] == "상담센터(주)")
    assert row["items_ko"] == "이름, 휴대전화 번호"
