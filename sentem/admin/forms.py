"""Forms of the staff area's own screens: sign-in, staff accounts, the monthly review."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..staff.forms import not_blank
from ..staff.permissions import ROLES


class LoginForm(FlaskForm):
    login_id = StringField("로그인 ID", validators=[DataRequired("로그인 ID를 입력해 주세요."), Length(max=64)])
    password = PasswordField("비밀번호", validators=[DataRequired("비밀번호를 입력해 주세요."), Length(max=200)])


class TotpForm(FlaskForm):
    code = StringField("인증 코드(6자리)", validators=[DataRequired("인증 코드를 입력해 주세요."), Length(max=12)])


class ReauthForm(FlaskForm):
    password = PasswordField("비밀번호", validators=[DataRequired("비밀번호를 입력해 주세요."), Length(max=200)])
    code = StringField("인증 코드(6자리)", validators=[DataRequired("인증 코드를 입력해 주세요."), Length(max=12)])


class StaffCreateForm(FlaskForm):
    login_id = StringField("로그인 ID", validators=[DataRequired("로그인 ID를 입력해 주세요."), Length(max=64)])
    name = StringField("이름", validators=[Optional(), Length(max=50)])
    role = SelectField("역할", choices=[(k, v[0]) for k, v in ROLES.items()])
    reason = TextAreaField("사유", validators=[not_blank, Length(max=500)])


class RoleChangeForm(FlaskForm):
    role = SelectField("새 역할", choices=[(k, v[0]) for k, v in ROLES.items()])
    reason = TextAreaField("사유", validators=[not_blank, Length(max=500)])


class DeactivateForm(FlaskForm):
    reason = TextAreaField("사유", validators=[not_blank, Length(max=500)])
    confirm = BooleanField("계정의 모든 권한을 회수합니다", validators=[DataRequired("확인란을 선택해 주세요.")])


class SignoffForm(FlaskForm):
    comment = TextAreaField("점검 의견", validators=[not_blank, Length(max=2000)])

