"""One personal-field declaration: the columns it makes, the blind index it keeps in step,
and the masking, audit and export that read it."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sentem import clock
from sentem.accounts.history import LoginEvent
from sentem.accounts.models import Member
from sentem.staff.models import Staff
from sentem.extensions import db
from sentem.security import aead, datakeys
from sentem.security.keystore import DataKey
from sentem.security.fields import Sealed, field, masked, personal, personal_fields
from tests.builders import make_member

SENTEM = Path(__file__).resolve().parents[2] / "sentem"


def test_declaration_makes_the_same_columns_as_before():
    cols = Member.__table__.c
    assert isinstance(cols.mobile_ct.type, Sealed) and not cols.mobile_ct.nullable
    assert cols.mobile_ct.info == {"personal": "mobile", "encrypted": True}
    assert cols.mobile_bidx.info == {"blind_index": "mobile"} and cols.mobile_bidx.nullable
    assert not cols.mobile_bidx.unique and cols.mobile_bidx.index
    assert cols.login_id_bidx.unique and not cols.login_id_bidx.nullable
    assert cols.email_bidx.unique and not cols.email_bidx.nullable
    assert "name_bidx" not in cols and cols.birth_date_ct.nullable
    assert Staff.__table__.c.login_id_bidx.info == {"blind_index": "staff_login_id"}


def test_personal_fields_lists_declarations_in_order():
    names = [f.name for f in personal_fields(Member)]
    assert names == ["login_id", "email", "mobile", "name", "birth_date", "home_phone", "postcode", "address1",
                     "address2", "company_name", "company_phone", "sns_account"]
    assert field(Member, "mobile").item == "mobile" and field(Member, "mobile").mask == "phone"
    with pytest.raises(KeyError):
        field(Member, "password_hash")


def test_assigning_the_value_keeps_the_blind_index_in_step(app):
    m = make_member(mobile="010-1234-5678", email="Step@Example.com")
    assert m.mobile_bidx == Member.mobile.index_of("+82 10 1234 5678")
    assert m.email_bidx == Member.email.index_of("step@example.com")
    m.mobile = "010-8765-4321"
    assert m.mobile_bidx == Member.mobile.index_of("01087654321")
    db.session.commit()
    assert db.session.execute(db.select(Member.id).where(Member.mobile.matches("010 8765 4321"))).scalar() == m.id
    m.home_phone = "02-123-4567"
    m.home_phone = ""  # blanking deletes the value (and would its index)
    assert m.home_phone_ct is None and m.home_phone is None
    m.mobile = None
    assert m.mobile_ct is None and m.mobile_bidx is None
    db.session.rollback()


def test_no_blind_index_is_assigned_by_hand():
    """Only the declaration writes ``*_bidx``; code may compute an index to look something up."""
    offenders = []
    for path in SENTEM.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            for t in targets:
                if isinstance(t, ast.Attribute) and t.attr.endswith("_bidx"):
                    offenders.append(f"{path.relative_to(SENTEM)}:{node.lineno}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "setattr" and len(node.args) > 1 \
                    and "_bidx" in ast.unparse(node.args[1]):
                offenders.append(f"{path.relative_to(SENTEM)}:{node.lineno}")
    assert not offenders, offenders


def test_keys_decide_what_seals_a_value(app):
    with pytest.raises(ValueError, match="data_key_id must be set"):
        Member().name = "홍길동"
    anonymous = LoginEvent(kind="failure", member_id=None, data_key_id=None)
    anonymous.ip = "198.51.100.7"  # a failed login with no member: the master key (and its day key)
    day = anonymous.day_key_id
    assert aead.key_id(anonymous.ip_ct) == f"x{day}.m1" and anonymous.ip == "198.51.100.7"
    known = LoginEvent(kind="login", member_id=1, data_key_id=datakeys.create())
    known.ip = "198.51.100.8"  # a login: the member's key and the day key of its end, 5 years on
    assert aead.key_id(known.ip_ct) == f"x{day}.k{known.data_key_id}" and known.day_key_id == day
    assert db.session.get(DataKey, day).label == f"until:{clock.add_years(clock.today(), 5).isoformat()}"
    staff = Staff()
    staff.name = "직원"  # no member: the master key, with the day key of the account's making
    assert aead.key_id(staff.name_ct) == f"x{staff.day_key_id}.m1"
    assert db.session.get(DataKey, staff.day_key_id).label == f"open:{clock.today().isoformat()}"
    db.session.rollback()


def test_declaration_refuses_unknown_rules():
    with pytest.raises(ValueError, match="unknown mask"):
        personal("mobile", mask="stars")
    with pytest.raises(ValueError, match="key must be"):
        personal("mobile", key="nobody")


def test_masked_follows_the_declared_rule(app):
    m = make_member(login_id="maskme01", name="홍길동", email="maskme@example.com", mobile="010-2222-3333")
    m.birth_date, m.address1, m.address2 = "1990-01-31", "서울특별시 중구 세종대로 110", "3층"
    assert [masked(m, n) for n in ("login_id", "name", "email", "mobile", "birth_date", "address1", "address2")] \
        == ["ma******", "홍*동", "ma***@example.com", "010-****-3333", "****", "서울특별시 중구 ***", "****"]
    assert masked(m, "home_phone") == ""
    datakeys.shred(m.data_key_id)
    assert masked(m, "name") == ""  # crypto-shredded: nothing left to show
    db.session.rollback()
