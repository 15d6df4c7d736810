"""/signup end to end through the test client."""
import re
from markupsafe import escape

import pytest
from sqlalchemy import func, select

from sentem.accounts import services
from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.notify import outbox
from sentem.privacy import consent
from sentem.privacy.registry import REGISTRY
from tests.accounts.builders import PASSWORD, signup_form


def members() -> int:
    return db.session.execute(select(func.count(Member.id))).scalar_one()


def test_page_shows_every_registered_consent_with_its_facts(client):
    html = client.get("/signup").get_data(as_text=True)
    for key, c in REGISTRY.consents.items():
        box = re.search(rf'<input[^>]*name="consent_{key}"[^>]*>', html)
        assert box, key
        assert "checked" not in box.group(0)  # unticked by default
        assert str(escape(c.label_ko)) in html and str(escape(c.refusal_ko)) in html
    for heading in ("수집·이용 목적", "수집 항목", "보유·이용 기간", "동의를 거부할 권리", "전체 동의"):
        assert heading in html
    assert re.search(r'<input type="checkbox" id="consent-all">', html)  # no name: never submitted
    assert "<script>" not in html and "/static/js/accounts.js" in html


def test_signup_with_only_required_items(client):
    resp = client.post("/signup", data=signup_form(name="이필수"))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/signup/welcome")
    member = db.session.execute(select(Member)).scalar_one()
    assert member.name == "이필수" and member.address1 is None and member.birth_date is None
    assert member.mobile.count("-") == 2
    welcome = client.get("/signup/welcome")
    assert "가입을 환영합니다" in welcome.get_data(as_text=True)


def test_optional_items_blank_never_block(client):
    form = signup_form(birth_date="", home_phone="", postcode="", address1="", address2="",
                       company_name="", company_phone="", sns_account="")
    assert client.post("/signup", data=form).status_code == 302


def test_optional_items_are_stored(client):
    form = signup_form(birth_date="1990-01-31", home_phone="02-123-4567", postcode="06236",
                       address1="서울 강남구 테헤란로 1", address2="101호", company_name="센템",
                       company_phone="0212345678", sns_account="@sentem")
    assert client.post("/signup", data=form).status_code == 302
    m = db.session.execute(select(Member)).scalar_one()
    assert (m.birth_date, m.home_phone, m.postcode, m.address1, m.company_phone) == (
        "1990-01-31", "02-123-4567", "06236", "서울 강남구 테헤란로 1", "02-1234-5678")


@pytest.mark.parametrize("missing", ["consent_terms", "consent_privacy"])
def test_required_consents(client, missing):
    form = signup_form()
    form.pop(missing)
    resp = client.post("/signup", data=form)
    assert resp.status_code == 422 and members() == 0
    assert "필수 동의 항목입니다" in resp.get_data(as_text=True)


def test_each_consent_recorded_on_its_own(client):
    client.post("/signup", data=signup_form(consent_marketing_email="y"))
    member = db.session.execute(select(Member)).scalar_one()
    state = consent.current(member.id)
    assert state["marketing_email"] is True and state["marketing_sms"] is False
    assert len(consent.history(member.id)) == len(REGISTRY.consents)


def test_errors_beside_fields_and_typed_values_kept_except_passwords(client):
    form = signup_form(login_id="ab", email="nope", name="홍길동", address1="서울 어딘가")
    html = client.post("/signup", data=form).get_data(as_text=True)
    assert 'value="ab"' in html and 'value="nope"' in html and 'value="서울 어딘가"' in html
    assert PASSWORD not in html
    assert re.search(r'id="login_id-error"[^>]*>[^<]*4~20자', html)
    assert re.search(r'id="email-error"[^>]*>[^<]*올바른 이메일', html)
    assert members() == 0


@pytest.mark.parametrize("field", ["login_id", "email"])
def test_duplicates_found_by_blind_index_without_revealing(client, field):
    first = signup_form()
    assert client.post("/signup", data=first).status_code == 302
    client.post("/logout")
    second = signup_form(**{field: first[field].upper() if field == "login_id" else first[field].upper()})
    resp = client.post("/signup", data=second)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and members() == 1
    assert "이미 사용 중" in html and "김가입" not in html.split("<main")[1].split("value=")[0]


def test_verification_link_marks_email_verified(client):
    form = signup_form()
    client.post("/signup", data=form)
    member = db.session.execute(select(Member)).scalar_one()
    assert not member.is_email_verified
    mail = outbox.messages(category="email_verification")
    assert len(mail) == 1 and mail[0]["to"] == form["email"]
    assert form["name"] not in mail[0]["body"] and form["mobile"] not in mail[0]["body"]
    path = re.search(r"https?://[^/]+(/signup/verify/\S+)", mail[0]["body"]).group(1)
    assert client.get(path[:-3] + "xyz").status_code == 400
    assert client.get(path).status_code == 200
    db.session.expire_all()
    assert db.session.get(Member, member.id).is_email_verified


def test_marketing_email_needs_a_verified_address(client):
    client.post("/signup", data=signup_form(consent_marketing_email="y"))
    member = db.session.execute(select(Member)).scalar_one()
    assert not services.may_receive_marketing_email(member)
    from sentem import clock
    member.email_verified_at = clock.now()
    db.session.commit()
    assert services.may_receive_marketing_email(member)


def test_signed_in_visitor_is_sent_away_from_signup(client):
    client.post("/signup", data=signup_form())
    assert client.get("/signup").status_code == 302


def test_signup_page_in_english(client):
    client.set_cookie("lang", "en")
    html = client.get("/signup").get_data(as_text=True)
    assert "Agree to all" in html and "Marketing by email (optional)" in html and "Right to refuse" in html
    resp = client.post("/signup", data=signup_form(login_id="ab"))
    assert "lowercase letters" in resp.get_data(as_text=True)


def test_a_consent_registered_later_appears_and_is_recorded(client):
    from sentem.privacy.registry import Consent

    extra = Consent(key="zz_test_survey", label_ko="설문 참여 동의 (선택)", label_en="Surveys (optional)",
                    required=False, purposes=("marketing",), items=("email",), retention_ko="철회 시까지",
                    retention_en="Until withdrawn", refusal_ko="거부해도 가입할 수 있습니다.", refusal_en="Optional.")
    REGISTRY.consents[extra.key] = extra
    try:
        assert 'name="consent_zz_test_survey"' in client.get("/signup").get_data(as_text=True)
        client.post("/signup", data=signup_form(consent_zz_test_survey="y"))
        member = db.session.execute(select(Member)).scalar_one()
        assert consent.current(member.id)["zz_test_survey"] is True
    finally:
        REGISTRY.consents.pop(extra.key)


def test_length_messages_translate_with_their_numbers(client):
    resp = client.post("/signup", data=signup_form(name="가" * 51))
    assert "50자 이하로 입력해 주세요." in resp.get_data(as_text=True)
    client.set_cookie("lang", "en")
    resp = client.post("/signup", data=signup_form(name="가" * 51))
    assert "Please use at most 50 characters." in resp.get_data(as_text=True)
