"""Forms every staff screen may use: the justification asked before unmasking or downloading."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, ValidationError


def not_blank(form, field):
    """Validator: a reason of only whitespace is no reason."""
    if not (field.data or "").strip():
        raise ValidationError("사유를 입력해 주세요(공백만으로는 안 됩니다).")


class ReasonForm(FlaskForm):
    """A justification for unmasking or downloading personal data."""

    reason = TextAreaField("사유", validators=[not_blank, Length(max=500, message="500자 이내로 입력해 주세요.")])
