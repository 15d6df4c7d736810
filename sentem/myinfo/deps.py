"""The other features' APIs that my info uses, reached lazily.

My info sits on top of membership (consent ledger, passwords, outbox), the
retention engine and the registry. Imports are made at call time so that this
package never forms an import cycle with them.
"""
from __future__ import annotations

from flask import request


def check_password(member, password: str) -> bool:
    """Membership's password check (it may upgrade the hash)."""
    from ..accounts.services import check_password as _check

    return bool(password) and bool(_check(member, password))


def consent_record(member_id: int, kind: str, granted: bool, *, screen: str) -> None:
    """Add a row to the consent ledger, with the request's IP and user agent when there is one."""
    from ..privacy import consent

    ip = ua = None
    try:
        ip, ua = request.remote_addr, request.headers.get("User-Agent", "")[:300]
    except RuntimeError:  # called outside a request (a job)
        pass
    consent.record(member_id, kind, granted, ip=ip, user_agent=ua, screen=screen)


def consent_current(member_id: int) -> dict:
    """The member's current state of every consent kind in the ledger."""
    from ..privacy import consent

    return consent.current(member_id)


def consent_history(member_id: int) -> list:
    """Every consent state change of the member, as membership keeps them."""
    from ..privacy import consent

    return list(consent.history(member_id))


def schedule_withdrawal(member_id: int) -> None:
    """Hand the withdrawal to the retention engine (durable duties, same transaction)."""
    from ..privacy.retention.services import schedule_withdrawal as _schedule

    _schedule(member_id)


def logout_everywhere(member_id: int) -> None:
    """End every session of the member (membership bumps the session epoch; commits)."""
    from ..accounts.services import logout_everywhere as _logout

    _logout(member_id)
