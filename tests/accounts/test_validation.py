"""Field rules: one table of inputs and what becomes of them."""
import pytest

from sentem.accounts import validation as v

ACCEPTED = [
    ("login_id", "hong_gd1", "hong_gd1"),
    ("login_id", "HongGD", "honggd"),
    ("login_id", "ｈｏｎｇ１２", "hong12"),  # full-width letters fold (NFKC)
    ("mobile", "010-1234-5678", "010-1234-5678"),
    ("mobile", "01012345678", "010-1234-5678"),
    ("mobile", "+82 10-1234-5678", "010-1234-5678"),
    ("mobile", "+821012345678", "010-1234-5678"),
    ("mobile", "010 1234 5678", "010-1234-5678"),
    ("mobile", "０１０-１２３４-５６７８", "010-1234-5678"),
    ("mobile", "011-123-4567", "011-123-4567"),
    ("email", "Name@Example.COM", "Name@example.com"),
    ("name", "  홍  길동 ", "홍 길동"),
    ("name", "Anne-Marie O. Kim", "Anne-Marie O. Kim"),
    ("birth_date", "1990-01-31", "1990-01-31"),
    ("birth_date", "1990.01.31", "1990-01-31"),
    ("birth_date", "", ""),
]
REFUSED = [
    ("login_id", "", "아이디를 입력해 주세요."),
    ("login_id", "abc", "4~20자"),
    ("login_id", "1abcd", "영문 소문자로 시작"),
    ("login_id", "a" * 21, "20자 이하"),
    ("login_id", "hong gd", "영문 소문자로 시작"),
    ("login_id", "홍길동", "영문 소문자로 시작"),
    ("mobile", "02-123-4567", "010-1234-5678 형식"),
    ("mobile", "010-12-34", "010-1234-5678 형식"),
    ("mobile", "", "휴대전화 번호를 입력"),
    ("email", "not-an-email", "올바른 이메일"),
    ("email", "a@b", "올바른 이메일"),
    ("email", "", "이메일을 입력"),
    ("name", "", "이름을 입력"),
    ("name", "<script>", "이름에는"),
    ("name", "홍\x00길동", "제어 문자"),
    ("birth_date", "1990-02-30", "형식"),
    ("birth_date", "2030-01-01", "확인"),
]


@pytest.mark.parametrize("field,raw,expected", ACCEPTED)
def test_accepted_and_normalised(app, field, raw, expected):
    assert getattr(v, field)(raw) == expected


@pytest.mark.parametrize("field,raw,message", REFUSED)
def test_refused_with_a_message(app, field, raw, message):
    with pytest.raises(v.Invalid) as exc:
        getattr(v, field)(raw)
    assert message in str(exc.value)


@pytest.mark.parametrize("password,ok", [
    ("sentem-pass-1", True),
    ("Tiger lily 7", True),     # spaces and any kind of character are fine
    ("abcdefghij", True),       # 10 characters, not on the list
    ("aaaaaaaaaa", False),      # the examples: on the common list
    ("1111111111", False),
    ("passw0rd", False),        # too short (and common)
    ("QWERTYUIOP", False),      # common, whatever the case
    ("1234567890", False),
    ("zzzzzzzzzzzz", False),    # one character repeated
    ("abcdefg12", False),       # 9 characters
    ("", False),
    ("a1" * 70, False),         # over 128
    ("pass\x00word-long", False),
])
def test_password_policy(app, password, ok):
    if ok:
        assert v.password(password) == password
    else:
        with pytest.raises(v.Invalid):
            v.password(password)


@pytest.mark.parametrize("password", ["hong12345-x", "my-hong12345-pw", "HONG12345!!!"])
def test_password_may_not_contain_login_id(app, password):
    with pytest.raises(v.Invalid) as exc:
        v.password(password, "hong12345")
    assert str(exc.value) == "비밀번호에 아이디를 포함할 수 없습니다."


def test_password_messages_say_which_rule(app):
    cases = {"short-pw": "비밀번호는 10자 이상으로 입력해 주세요.",
             "1111111111": "너무 흔하거나 추측하기 쉬운 비밀번호입니다. 다른 비밀번호를 입력해 주세요.",
             "": "비밀번호를 입력해 주세요."}
    for password, message in cases.items():
        with pytest.raises(v.Invalid) as exc:
            v.password(password)
        assert str(exc.value) == message


def test_optional_phones_and_postcode(app):
    assert v.phone("0212345678", "home_phone") == "02-1234-5678"
    assert v.phone("031-123-4567", "company_phone") == "031-123-4567"
    assert v.phone("", "home_phone") == ""
    assert v.postcode("06236") == "06236"
    with pytest.raises(v.Invalid):
        v.postcode("1234")


def test_signup_data_collects_every_message(app):
    clean, errors = v.signup_data({"login_id": "x", "password": "short", "password_confirm": "other",
                                   "name": "", "email": "bad", "mobile": "123"})
    assert set(errors) == {"login_id", "password", "name", "email", "mobile"}
    clean, errors = v.signup_data({"login_id": "hong12", "password": "abcd-12345", "password_confirm": "abcd-12346",
                                   "name": "홍길동", "email": "h@example.com", "mobile": "01012345678"})
    assert errors == {"password_confirm": "비밀번호가 일치하지 않습니다."}
