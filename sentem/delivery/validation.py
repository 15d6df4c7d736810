"""Checks for recipient and address input, shared by checkout, the address book and
address changes. Values are never truncated silently: too long is refused with a message.

``clean_address(data)`` returns ``(values, errors)``; errors map the form field name
(``recipient_name``, ``recipient_phone``, ``postcode``, ``address1``, ``address2``,
``delivery_memo``, ``label``) to a Korean message (a lazy string, English when the
visitor reads English).
"""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

from ..security import phone as phone_numbers

LIMITS = {"label": 20, "recipient_name": 30, "address1": 100, "address2": 100, "delivery_memo": 200}

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _text(value) -> str:
    return unicodedata.normalize("NFC", str(value or "")).strip()


def clean_address(data: dict, *, with_memo: bool = False, with_label: bool = False):
    """Validate recipient/address fields; returns ``(values, errors)``.

    ``values`` has the cleaned strings under the same names (``address2``, ``delivery_memo``
    and ``label`` may be empty). Nothing is cut short: over-long input is an error.
    """
    values: dict[str, str] = {}
    errors: dict[str, object] = {}
    fields = ["recipient_name", "recipient_phone", "postcode", "address1", "address2"]
    if with_memo:
        fields.append("delivery_memo")
    if with_label:
        fields.insert(0, "label")
    for name in fields:
        values[name] = _text(data.get(name))
        if _CONTROL.search(values[name]):
            errors[name] = _l("사용할 수 없는 문자(줄바꿈, 제어 문자)가 들어 있습니다.")

    if not values["recipient_name"]:
        errors["recipient_name"] = _l("받는 분 이름을 입력해 주세요.")
    if not values["address1"]:
        errors["address1"] = _l("주소를 입력해 주세요.")
    for name, limit in LIMITS.items():
        if name in values and len(values[name]) > limit and name not in errors:
            errors[name] = _l("%(limit)d자 이내로 입력해 주세요. (지금 %(count)d자)",
                              limit=limit, count=len(values[name]))

    phone = values["recipient_phone"]
    if not phone:
        errors["recipient_phone"] = _l("받는 분 연락처를 입력해 주세요.")
    else:
        normal = phone_numbers.normalise(phone)
        if normal is None:
            errors["recipient_phone"] = _l("연락처 형식이 올바르지 않습니다. 예: 010-1234-5678, 02-123-4567")
        else:
            values["recipient_phone"] = normal

    postcode = values["postcode"]
    if not postcode:
        errors["postcode"] = _l("우편번호를 입력해 주세요.")
    elif not re.fullmatch(r"\d{5}", postcode):
        errors["postcode"] = _l("우편번호는 숫자 5자리입니다. 예: 06236")
    return values, errors
