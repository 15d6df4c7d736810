"""Signup and login forms (Flask-WTF: CSRF, re-rendering what was typed).

The field rules live in ``validation`` so services apply them without a request;
the forms carry the fields, their HTML limits and the messages placed beside them.
Consent checkboxes are added per registry consent (``consent_<key>``), so a consent
another feature registers shows up on the signup screen by itself.
"""
from __future__ import annotations

from flask_babel import gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField

from ..privacy.registry import REGISTRY

PROFILE_FIELDS = ("login_id", "name", "email", "mobile", "birth_date", "home_phone", "postcode", "address1",
                  "address2", "company_name", "company_phone", "sns_account")


def _text(label: str, field: str, **render):  # noqa: ARG001 (field: which MAX_LENGTHS rule applies)
    # No HTML maxlength: a browser would cut a pasted value silently. The server checks
    # the limit (validation.MAX_LENGTHS) and says so beside the field.
    return StringField(label, render_kw=render)


class SignupBase(FlaskForm):
    """The signup fields of the public contract."""

    login_id = _text("아이디", "login_id", autocomplete="username")
    password = PasswordField("비밀번호", render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField("비밀번호 확인", render_kw={"autocomplete": "new-password"})
    name = _text("이름", "name", autocomplete="name")
    email = _text("이메일", "email", autocomplete="email", type="email")
    mobile = _text("휴대전화 번호", "mobile", autocomplete="tel", type="tel", placeholder="010-1234-5678")
    birth_date = _text("생년월일", "birth_date", placeholder="1990-01-31", autocomplete="bday")
    home_phone = _text("자택전화번호", "home_phone", type="tel")
    postcode = _text("우편번호", "postcode", autocomplete="postal-code")
    address1 = _text("주소", "address1", autocomplete="address-line1")
    address2 = _text("상세 주소", "address2", autocomplete="address-line2")
    company_name = _text("회사명", "company_name", autocomplete="organization")
    company_phone = _text("회사 전화번호", "company_phone", type="tel")
    sns_account = _text("SNS 계정", "sns_account")

    def profile_data(self) -> dict:
        """What was typed, as the service expects it (passwords included)."""
        data = {f: self[f].data or "" for f in PROFILE_FIELDS}
        data["password"] = self.password.data or ""
        data["password_confirm"] = self.password_confirm.data or ""
        return data

    def consent_data(self) -> dict[str, bool]:
        return {key: bool(self[f"consent_{key}"].data) for key in REGISTRY.consents}

    def place_errors(self, errors: dict[str, str]) -> None:
        """Put service messages beside their fields."""
        for name, message in errors.items():
            if name in self:
                if getattr(message, "params", None):  # parameterised: translate before formatting
                    message = gettext(message.msgid, **message.params)
                self[name].errors = [message]


def signup_form(*args, **kwargs) -> SignupBase:
    """A signup form with one unticked checkbox per registered consent."""
    attrs = {f"consent_{key}": BooleanField(c.label_ko, default=False) for key, c in REGISTRY.consents.items()}
    cls = type("SignupForm", (SignupBase,), attrs)
    return cls(*args, **kwargs)


class LoginForm(FlaskForm):
    """Login by login ID and password; ``next`` is checked by ``safe_next`` before use."""

    login_id = StringField("아이디", render_kw={"autocomplete": "username"})
    password = PasswordField("비밀번호", render_kw={"autocomplete": "current-password"})
    next = HiddenField()
