"""Forms of my info. Flask-WTF carries the CSRF token; the rules themselves live in the
services (signup's validators for corrections), so they hold without a request too."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from .correction import EDITABLE


class EditForm(FlaskForm):
    """Every editable item; ``current_password`` is needed for login ID, email or mobile."""

    login_id = StringField("아이디")
    name = StringField("이름")
    email = StringField("이메일")
    mobile = StringField("휴대전화 번호")
    birth_date = StringField("생년월일")
    home_phone = StringField("자택 전화번호")
    postcode = StringField("우편번호")
    address1 = StringField("주소")
    address2 = StringField("상세 주소")
    company_name = StringField("회사명")
    company_phone = StringField("회사 전화번호")
    sns_account = StringField("SNS 계정")
    current_password = PasswordField("현재 비밀번호")

    def values(self, sent) -> dict:
        """The editable fields that were actually submitted (``sent`` is the request form)."""
        return {key: getattr(self, key).data or "" for key in EDITABLE if key in sent}


class ActionForm(FlaskForm):
    """A bare form for one-button actions (deletion, consent switches): CSRF only."""

    value = HiddenField()


class RequestForm(FlaskForm):
    """A request that needs staff, optionally made by a legal representative with a document."""

    kind = SelectField("요청 종류", choices=[
        SelectChoice("access", "열람"), SelectChoice("correction", "정정"), SelectChoice("deletion", "삭제"),
        SelectChoice("suspension", "처리정지"), SelectChoice("other", "기타(이의 제기 등)")])
    detail = TextAreaField("요청 내용")
    proxy_name = StringField("대리인 이름", validators=[Optional()])
    proxy_relation = SelectField("대리인과의 관계", choices=[
        SelectChoice("", "본인 요청"), SelectChoice("parent", "법정대리인(부모)"), SelectChoice("guardian", "후견인"),
        SelectChoice("delegate", "위임받은 대리인")])
    document = FileField("증빙 서류 (PDF, JPEG, PNG, 1MB 이하)")


class WithdrawForm(FlaskForm):
    """Fields per the public contract: ``password`` and ``confirm`` (= ``yes``)."""

    password = PasswordField("비밀번호")
    confirm = BooleanField("위 안내를 확인했으며 탈퇴합니다", false_values=("", "no", "false", "0"))
    anyway = HiddenField()
