"""Small builders for tests: members, logins. Feature tests add theirs beside these."""
from __future__ import annotations

import itertools

from flask_login.utils import _create_identifier

from sentem.extensions import db
from sentem.security import datakeys, passwords

_seq = itertools.count(1)
PASSWORD = "sentem-pass-1"


def make_member(**fields):
    """A member stored as signup would store it (encrypted, indexed), committed."""
    from sentem.accounts.models import Member

    n = next(_seq)
    data = {
        "login_id": f"member{n:04d}",
        "name": "홍길동",
        "email": f"member{n:04d}@example.com",
        "mobile": f"010-{1000 + n:04d}-{5678:04d}",
        "password": PASSWORD,
    }
    data.update(fields)
    member = Member(data_key_id=datakeys.create(), status="active")
    password = data.pop("password")
    member.password_hash = passwords.hash_password(password)
    for key, value in data.items():
        setattr(member, key, value)  # blind indexes follow the values
    db.session.add(member)
    db.session.commit()
    return member


def login_as(client, member) -> None:
    """Log ``member`` in on ``client`` without the login form (for tests of other pages)."""
    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    from sentem.accounts import sessions

    token = sessions.issue(member.id, "test")  # a real server-side session, as the login form starts
    with client.session_transaction() as sess:
        sess[sessions.SESSION_KEY] = token
        sess["_user_id"] = str(member.id)
        sess["_fresh"] = True
        sess["_id"] = identifier
