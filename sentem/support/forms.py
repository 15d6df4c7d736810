"""Forms of the consultation board (Flask-WTF gives CSRF; the service validates)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..privacy import labels


def _categories() -> list[SelectChoice]:
    # The label table's inquiry categories, in the visitor's language (called per form).
    return [SelectChoice(code, text) for code, text in labels.choices("inquiry_category")]


class InquiryForm(FlaskForm):
    category = SelectField(_l("분류"), choices=_categories, default="other", validate_choice=False)
    title = StringField(_l("제목"))
    body = TextAreaField(_l("문의 내용"))
    dispute = BooleanField(_l("주문·환불 등에 관한 분쟁입니다"))
