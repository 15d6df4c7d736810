"""Normalising and checking what people type at signup.

Plain functions (no Flask-WTF) so that services can apply the same rules when
called without a request. Each checker returns the normalised value or raises
``Invalid`` with a Korean message meant for the field it belongs to.
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

from .. import clock
from ..security import password_rules
from ..security import phone as phone_numbers

# Maximum lengths: longer input gets a message, never silent truncation.
MAX_LENGTHS = {
    "login_id": 20, "password": 128, "name": 50, "email": 254, "mobile": 20, "birth_date": 10,
    "home_phone": 20, "postcode": 7, "address1": 200, "address2": 200, "company_name": 100,
    "company_phone": 20, "sns_account": 100,
}
LOGIN_ID_RE = re.compile(r"^[a-z][a-z0-9_]{3,19}$")
POSTCODE_RE = re.compile(r"^\d{5}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


class Message(str):
    """A Korean message that remembers its catalog id and parameters, so a page in
    another language can translate it (``msgid % params`` is the Korean text)."""

    def __new__(cls, msgid: str, **params):
        obj = super().__new__(cls, msgid % params if params else msgid)
        obj.msgid, obj.params = msgid, params
        return obj


class Invalid(ValueError):
    """A value fails a rule; ``str(exc)`` is the Korean message for its field, ``exc.message`` a Message."""

    @property
    def message(self) -> "Message":
        return self.args[0] if isinstance(self.args[0], Message) else Message(str(self.args[0]))


def clean_text(value, field: str, *, nfkc: bool = True, limit: bool = True) -> str:
    """Trim, NFKC-normalise (full-width letters and digits become ordinary ones) and refuse
    control characters and over-long input."""
    text = "" if value is None else str(value)
    if nfkc:
        text = unicodedata.normalize("NFKC", text)
    text = text.strip()
    if _CONTROL.search(text):
        raise Invalid("제어 문자나 보이지 않는 문자는 사용할 수 없습니다.")
    most = MAX_LENGTHS.get(field) if limit else None
    if most and len(text) > most:
        raise Invalid(Message("%(n)s자 이하로 입력해 주세요.", n=most))
    return text


def login_id(value) -> str:
    text = clean_text(value, "login_id").lower()
    if not text:
        raise Invalid("아이디를 입력해 주세요.")
    if not LOGIN_ID_RE.match(text):
        raise Invalid("아이디는 영문 소문자로 시작하는 4~20자의 영문 소문자, 숫자, 밑줄(_)로 입력해 주세요.")
    return text


def password(value, login: str | None = None) -> str:
    """The password rules of ``security.password_rules`` (length, not the login ID, not a common
    password). Not NFKC-folded: what was typed is what is hashed."""
    text = "" if value is None else str(value)
    problem = password_rules.problem(text, login)
    if problem is not None:
        raise Invalid(Message(problem.msgid, **problem.params))
    return text


def name(value) -> str:
    text = re.sub(r"\s+", " ", clean_text(value, "name"))
    if not text:
        raise Invalid("이름을 입력해 주세요.")
    if re.search(r"[<>\"'`;{}\\/=]|[0-9]", text):
        raise Invalid("이름에는 글자와 공백, 마침표, 하이픈만 쓸 수 있습니다.")
    return text


def email(value) -> str:
    text = clean_text(value, "email")
    if not text:
        raise Invalid("이메일을 입력해 주세요.")
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise Invalid("올바른 이메일 주소를 입력해 주세요. (예: name@example.com)") from None
    return result.normalized


def mobile(value) -> str:
    text = clean_text(value, "mobile")
    if not text:
        raise Invalid("휴대전화 번호를 입력해 주세요.")
    number = phone_numbers.normalise(text, mobile=True)
    if number is None:
        raise Invalid("휴대전화 번호를 010-1234-5678 형식으로 입력해 주세요.")
    return number


def phone(value, field: str) -> str:
    """Optional landline or mobile; blank stays blank."""
    text = clean_text(value, field)
    if not text:
        return ""
    number = phone_numbers.normalise(text)
    if number is None:
        raise Invalid("전화번호를 02-123-4567 형식으로 입력해 주세요.")
    return number


def birth_date(value) -> str:
    text = clean_text(value, "birth_date")
    if not text:
        return ""
    try:
        day = _dt.date.fromisoformat(text.replace(".", "-").replace("/", "-"))
    except ValueError:
        raise Invalid("생년월일을 1990-01-31 형식으로 입력해 주세요.") from None
    if day > clock.today() or day.year < 1900:
        raise Invalid("생년월일을 확인해 주세요.")
    return day.isoformat()


def postcode(value) -> str:
    """Five digits (the 2015 우편번호); any other shape, however long, gets the same plain message."""
    text = clean_text(value, "postcode", limit=False).replace("-", "")
    if text and not POSTCODE_RE.match(text):
        raise Invalid("우편번호는 숫자 5자리로 입력해 주세요.")
    return text


def optional_text(value, field: str) -> str:
    return re.sub(r"\s+", " ", clean_text(value, field))


PROFILE_RULES = {
    "login_id": login_id, "name": name, "email": email, "mobile": mobile, "birth_date": birth_date,
    "home_phone": lambda v: phone(v, "home_phone"), "company_phone": lambda v: phone(v, "company_phone"),
    "postcode": postcode,
    "address1": lambda v: optional_text(v, "address1"), "address2": lambda v: optional_text(v, "address2"),
    "company_name": lambda v: optional_text(v, "company_name"),
    "sns_account": lambda v: optional_text(v, "sns_account"),
}


def profile_data(raw: dict) -> tuple[dict, dict]:
    """Normalise every profile field (no password). Returns (clean values, {field: message})."""
    clean, errors = {}, {}
    for field, rule in PROFILE_RULES.items():
        try:
            clean[field] = rule(raw.get(field))
        except Invalid as exc:
            errors[field] = exc.message
    if clean.get("address2") and not clean.get("address1"):
        errors["address1"] = "상세 주소를 입력했다면 주소도 입력해 주세요."
    return clean, errors


def password_data(raw: dict, login: str | None) -> tuple[dict, dict]:
    """The chosen password and its confirmation (``password_confirm`` optional)."""
    try:
        chosen = password(raw.get("password"), login)
    except Invalid as exc:
        return {}, {"password": exc.message}
    if raw.get("password") != raw.get("password_confirm", raw.get("password")):
        return {}, {"password_confirm": "비밀번호가 일치하지 않습니다."}
    return {"password": chosen}, {}


def signup_data(raw: dict) -> tuple[dict, dict]:
    """Normalise every signup field: the profile and the password. Returns (clean values, {field: message})."""
    clean, errors = profile_data(raw)
    chosen, problems = password_data(raw, clean.get("login_id"))
    clean.update(chosen)
    errors.update(problems)
    return clean, errors
