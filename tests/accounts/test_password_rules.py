"""Password rules for members and staff (issue 14, part 6), and the staff login-ID rule."""
import pytest

from sentem.security import password_rules
from sentem.staff.services import StaffError, create_staff, generate_password
from tests.accounts.builders import signup_form

WEAK = ["aaaaaaaaaa", "1111111111", "passw0rd", "qwertyuiop", "QwErTyUiOp", "zzzzzzzzzzzz"]


def test_the_shipped_list_is_the_top_10000():
    with open(password_rules.COMMON_FILE, encoding="utf-8") as fh:
        assert sum(1 for line in fh if line.strip()) == 10000
    assert password_rules.is_common("1111111111") and password_rules.is_common("AAAAAAAAAA")
    assert not password_rules.is_common("sentem-pass-1")


@pytest.mark.parametrize("password", WEAK)
def test_signup_refuses_weak_passwords(client, password):
    form = signup_form(password=password, password_confirm=password)
    res = client.post("/signup", data=form)
    assert res.status_code == 422
    page = res.get_data(as_text=True)
    assert "비밀번호는 10자 이상으로 입력해 주세요." in page or "너무 흔하거나 추측하기 쉬운 비밀번호입니다" in page


def test_signup_refuses_a_password_containing_the_login_id(client):
    form = signup_form(login_id="hongildong", password="Hongildong!2026", password_confirm="Hongildong!2026")
    res = client.post("/signup", data=form)
    assert res.status_code == 422 and "비밀번호에 아이디를 포함할 수 없습니다." in res.get_data(as_text=True)


@pytest.mark.parametrize("password", ["1111111111", "short-pw", "staff-boss-2026"])
def test_staff_passwords_follow_the_rules(app, password):
    with pytest.raises(StaffError):
        create_staff("staff-boss", "auditor", password)


def test_generated_staff_passwords_pass_the_rules(app):
    staff, password, _secret = create_staff("a", "auditor")  # a one-letter ID: no password contains it
    assert "a" not in password.casefold() and password_rules.problem(password, "a") is None
    assert all(password_rules.problem(generate_password(), None) is None for _ in range(20))


@pytest.mark.parametrize("login_id", ["boss\x00", "boss\r\nX-Evil: 1", "boss\u202egnp.exe", "보스", "bo ss",
                                      "x" * 65, ""])
def test_staff_login_ids_are_letters_digits_dot_underscore_dash(app, login_id):
    with pytest.raises(StaffError) as exc:
        create_staff(login_id, "auditor")
    assert str(exc.value) == "로그인 ID는 1~64자의 영문, 숫자, 마침표(.), 밑줄(_), 하이픈(-)으로 입력해 주세요."


def test_staff_login_ids_with_allowed_characters(app):
    staff, _pw, _secret = create_staff("Kim.min-su_01", "auditor")
    assert staff.login_id == "Kim.min-su_01"
