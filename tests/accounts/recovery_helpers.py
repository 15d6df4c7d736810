"""Helpers for the password-change and recovery tests: verified members and mailed links."""
from __future__ import annotations

import re

from flask import g

from sentem import clock
from sentem.extensions import db
from sentem.notify import outbox
from tests.accounts.builders import PASSWORD, register_member

LINK_RE = re.compile(r"https?://\S+/account/reset-password/(\S+)")


def verified_member(**overrides):
    """A registered member whose email is verified, with the signup mail cleared away."""
    member = register_member(**overrides)
    member.email_verified_at = clock.now()
    db.session.commit()
    return member


def login(client, member, password=PASSWORD):
    return client.post("/login", data={"login_id": member.login_id, "password": password})


def mails(category: str, to: str | None = None) -> list[dict]:
    return outbox.messages(category=category, to=to)


def reset_token(member) -> str:
    """The token of the newest reset link mailed to the member."""
    body = mails("password_reset", member.email)[-1]["body"]
    return LINK_RE.search(body).group(1)


def status_of(client, url: str) -> int:
    """GET ``url`` as ``client``'s session would be read by a new request (the fixture's app
    context outlives requests, and Flask-Login caches the last user in its ``g``)."""
    g.pop("_login_user", None)
    return client.get(url).status_code
