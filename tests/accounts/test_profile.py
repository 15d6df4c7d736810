"""update_profile: the one door through which signup and my info change profile items."""
from __future__ import annotations

import pytest

from sentem import clock
from sentem.accounts import services, validation
from sentem.accounts.models import Member
from sentem.accounts.profile import PASSWORD_NEEDED
from sentem.extensions import db
from sentem.notify import outbox
from tests.accounts.builders import PASSWORD, register_member, signup_form


def _recorder():
    seen = []
    return seen, lambda key, action: seen.append((key, action))


def test_changes_only_what_is_given_and_records_each_item(app):
    m = register_member(company_name="센템", sns_account="@sentem")
    seen, record = _recorder()
    changed = services.update_profile(m, {"mobile": "+82 10 9999 0000", "company_name": ""}, actor="member",
                                      password=PASSWORD, record=record)
    db.session.commit()
    assert changed == ["mobile", "company_name"] and seen == [("mobile", "correct"), ("company_name", "delete")]
    db.session.refresh(m)
    assert m.mobile == "010-9999-0000" and m.company_name is None and m.sns_account == "@sentem"
    assert m.mobile_bidx == Member.mobile.index_of("01099990000")  # the index followed by itself
    assert services.update_profile(m, {"mobile": "010-9999-0000"}, actor="member") == []  # nothing new


def test_identifying_items_need_the_current_password(app):
    m = register_member()
    before = m.mobile
    for wrong in (None, "", "not-my-password-1"):
        with pytest.raises(services.ProfileError) as exc:
            services.update_profile(m, {"mobile": "010-5555-6666"}, actor="member", password=wrong)
        assert exc.value.errors == {"current_password": PASSWORD_NEEDED}
    assert m.mobile == before
    # Optional items need no password.
    assert services.update_profile(m, {"home_phone": "02-555-0101"}, actor="member") == ["home_phone"]


def test_invalid_values_come_first_and_nothing_changes(app):
    m = register_member()
    name = m.name
    with pytest.raises(services.ProfileError) as exc:
        services.update_profile(m, {"name": "", "mobile": "02-123-4567", "email": "x"}, actor="member")
    assert set(exc.value.errors) == {"name", "mobile", "email"}  # no password message before the values are right
    assert "010-1234-5678 형식" in exc.value.errors["mobile"]
    assert m.name == name


def test_taken_login_id_and_email_are_worded_for_who_asks(app):
    a, b = register_member(), register_member()
    with pytest.raises(services.ProfileError) as exc:
        services.update_profile(b, {"login_id": a.login_id.upper(), "email": a.email.upper()}, actor="member",
                                password=PASSWORD)
    assert exc.value.errors == {"login_id": "이미 사용 중인 아이디입니다.", "email": "이미 가입된 이메일입니다."}
    with pytest.raises(services.SignupError) as exc:
        register_member(login_id=a.login_id, email=a.email)
    assert exc.value.errors == {"login_id": "이미 사용 중인 아이디입니다.", "email": "이미 사용 중인 이메일입니다."}
    # One's own address, written differently, is no conflict (the blind index ignores case).
    assert services.update_profile(b, {"email": b.email.upper()}, actor="member", password=PASSWORD) == ["email"]


def test_new_email_is_verified_again(app):
    m = register_member()
    m.email_verified_at = clock.now()
    db.session.commit()
    services.update_profile(m, {"email": "moved@example.com"}, actor="member", password=PASSWORD)
    assert m.email_verified_at is None
    assert not outbox.messages(to="moved@example.com")  # sent only once the change commits
    db.session.commit()
    assert outbox.messages(to="moved@example.com", category="email_verification")
    assert services.find_by_email("MOVED@example.com").id == m.id


def test_signup_and_correction_apply_the_same_rules(app):
    m = register_member()
    for field, bad in (("mobile", "02-123-4567"), ("birth_date", "2999-01-01"), ("postcode", "1234"),
                       ("home_phone", "099-1234-5678"), ("name", "<script>")):
        with pytest.raises(services.SignupError) as at_signup:
            register_member(**{field: bad})
        with pytest.raises(services.ProfileError) as at_correction:
            services.update_profile(m, {field: bad}, actor="member", password=PASSWORD)
        assert at_signup.value.errors[field] == at_correction.value.errors[field]


def test_profile_rules_need_no_password():
    form = {k: v for k, v in signup_form().items() if not k.startswith(("password", "consent_"))}
    clean, errors = validation.profile_data(form)
    assert errors == {} and "password" not in clean
    assert validation.password_data({"password": "short"}, None)[1] == {
        "password": "비밀번호는 10자 이상으로 입력해 주세요."}


def test_unknown_actor_is_a_programming_error(app):
    m = register_member()
    with pytest.raises(ValueError, match="unknown actor"):
        services.update_profile(m, {"name": "새이름"}, actor="staff")
