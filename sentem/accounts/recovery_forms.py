"""Forms of password change, 비밀번호 찾기 and 아이디 찾기 (field names: DESIGN.md, Added 2026-12-01).

Only fields and their HTML hints: the rules are applied by the services, which place their
messages beside the fields (``place_errors``).
"""
from __future__ import annotations

from flask_babel import gettext
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField


class _Placing(FlaskForm):
    def place_errors(self, errors: dict) -> None:
        """Put service messages beside their fields (translated, parameters filled in)."""
        for name, message in errors.items():
            if name in self:
                msgid = getattr(message, "msgid", str(message))
                self[name].errors = [gettext(msgid, **getattr(message, "params", {}))]


class PasswordChangeForm(_Placing):
    """``/me/password``."""

    current_password = PasswordField("현재 비밀번호", render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("새 비밀번호", render_kw={"autocomplete": "new-password"})
    new_password_confirm = PasswordField("새 비밀번호 확인", render_kw={"autocomplete": "new-password"})


class ResetRequestForm(_Placing):
    """``/account/reset-password``."""

    login_id = StringField("아이디", render_kw={"autocomplete": "username"})
    email = StringField("이메일", render_kw={"autocomplete": "email", "type": "email"})


class ResetForm(_Placing):
    """``/account/reset-password/<token>``."""

    new_password = PasswordField("새 비밀번호", render_kw={"autocomplete": "new-password"})
    new_password_confirm = PasswordField("새 비밀번호 확인", render_kw={"autocomplete": "new-password"})


class FindIdForm(_Placing):
    """``/account/find-id``."""

    email = StringField("이메일", render_kw={"autocomplete": "email", "type": "email"})
