"""Every signup and login field fuzzed: never a 500, never a partial member, always a message."""
import pytest
from markupsafe import escape
from sqlalchemy import func, select

from sentem.accounts.history import LoginEvent
from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.privacy.consent import ConsentEvent
from sentem.privacy.registry import REGISTRY
from sentem.security.datakeys import DataKey
from tests.accounts.builders import signup_form

PAYLOADS = {
    "empty": "",
    "huge": "가" * 10_000,
    "control": "ab\x00c\x1b[31m\x7f",
    "html": '<script>alert("x")</script><img src=x onerror=1>',
    "sql": "' OR '1'='1'; DROP TABLE members; --",
    "non_bmp": "😀𝕏𠜎🇰🇷",
    "full_width": "ｈｏｎｇ１２３　길동",
    "zero_width": "hong\u200b123",
}
FIELDS = ["login_id", "password", "password_confirm", "name", "email", "mobile", "birth_date", "home_phone",
          "postcode", "address1", "address2", "company_name", "company_phone", "sns_account",
          "consent_terms", "consent_marketing_email"]


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize("payload", list(PAYLOADS), ids=list(PAYLOADS))
@pytest.mark.parametrize("field", FIELDS)
def test_signup_field(client, field, payload):
    value = PAYLOADS[payload]
    form = signup_form(**{field: value})
    resp = client.post("/signup", data=form)
    assert resp.status_code in (302, 422), resp.status_code
    if resp.status_code == 302:
        member = db.session.execute(select(Member)).scalar_one()
        assert member.login_id and member.name and member.email and member.mobile
        assert count(ConsentEvent) == len(REGISTRY.consents)
        return
    html = resp.get_data(as_text=True)
    member_keys = select(func.count(DataKey.id)).where(DataKey.kind == "member")  # (the index key is init's)
    assert count(Member) == 0 and count(ConsentEvent) == 0 and db.session.execute(member_keys).scalar_one() == 0
    assert 'class="field-error"' in html  # a message beside some field
    if field.startswith("password"):
        assert (not value) or str(escape(value)) not in html
    elif field.startswith("consent_") or payload in ("empty", "control"):
        pass
    else:
        assert f'value="{escape(value)}"' in html  # what was typed comes back


@pytest.mark.parametrize("payload", list(PAYLOADS), ids=list(PAYLOADS))
@pytest.mark.parametrize("field", ["login_id", "password", "next"])
def test_login_field(client, field, payload):
    form = {"login_id": "someone", "password": "whatever1", "next": "/"}
    form[field] = PAYLOADS[payload]
    resp = client.post("/login", data=form)
    assert resp.status_code == 401
    assert "아이디 또는 비밀번호가 올바르지 않습니다" in resp.get_data(as_text=True)
    assert count(LoginEvent) == 1


def test_missing_fields_entirely(client):
    assert client.post("/signup", data={}).status_code == 422
    assert client.post("/login", data={}).status_code == 401
    assert count(Member) == 0
