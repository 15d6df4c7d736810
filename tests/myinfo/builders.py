"""Builders for my-info tests (importable by others): a member with everything, rights requests."""
from __future__ import annotations

import itertools

from sentem.extensions import db

_seq = itertools.count(1)
PASSWORD = "sentem-pass-1"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def full_member(tag: str | None = None, *, marketing: bool = True, **overrides):
    """A member signed up with every optional item (distinct values per ``tag``) and marketing consents."""
    from tests.accounts.builders import register_member

    n = next(_seq)
    tag = tag or f"f{n}"
    data = dict(
        login_id=f"full{tag}x{n}".lower()[:20], name=f"전체{'가나다라마바사'[n % 7]}{'영일이삼사오육칠팔구'[n % 10]}",
        email=f"{tag}-{n}@full.example.com", mobile=f"010-7{n % 1000:03d}-{4000 + n % 6000:04d}",
        birth_date=f"19{70 + n % 30}-0{1 + n % 9}-1{n % 10}", home_phone=f"02-3{n % 1000:03d}-{5000 + n % 5000:04d}",
        postcode=f"{10000 + n * 7 % 89999:05d}", address1=f"서울특별시 {tag}구 테스트로 {n}",
        address2=f"{n}동 {tag}호", company_name=f"{tag} 주식회사", company_phone=f"031-4{n % 100:02d}-{6000 + n:04d}",
        sns_account=f"@{tag}_sns_{n}",
    )
    data.update(overrides)
    consents = {"marketing_email": True, "marketing_sms": True} if marketing else {}
    return register_member(consents=consents, **data)


def make_rights_request(member, kind="other", detail="처리 내역 사본을 보내 주세요.", **kw):
    """A request queued for staff, committed."""
    from sentem.myinfo import requests

    return requests.file_request(member, kind, detail, **kw)


def login_history(member, ip="198.51.100.23", user_agent="pytest-browser/1.0"):
    """A login recorded in membership's login history, committed."""
    from sentem.accounts import history

    row = history.record("login", member, ip=ip, user_agent=user_agent)
    db.session.commit()
    return row
