"""Forms of the consultation board (Flask-WTF gives CSRF; the service validates)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

CATEGORY_CHOICES = [SelectChoice("privacy", _l("개인정보")), SelectChoice("order", _l("주문")),
                    SelectChoice("delivery", _l("배송")), SelectChoice("other", _l("기타"))]


class InquiryForm(FlaskForm):
    category = SelectField(_l("분류"), choices=CATEGORY_CHOICES, default="other", validate_choice=False)
    title = StringField(_l("제목"))
    body = TextAreaField(_l("문의 내용"))
    dispute = BooleanField(_l("주문·환불 등에 관한 분쟁입니다"))
