"""One sweep at a time: a lease row in the main database.

A second sweep started while one runs (RQ cron and a manual ``retention run``) waits
its turn instead of doing the same work twice. A lease held by a process that died on
this host (SIGKILL) or past its expiry is taken over at once.
"""
from __future__ import annotations

import datetime as _dt
import os
import socket

from sqlalchemy import or_, update

from ... import clock
from ...extensions import db
from .models import SweepLease

NAME = "sweep"
TTL = _dt.timedelta(minutes=30)


def _me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _dead_here(holder: str | None) -> bool:
    if not holder:
        return True
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire() -> bool:
    """Take the lease; False when another live sweep holds it. Commits."""
    # Real time, not the Sentem clock: ``--as-of`` moves the clock by years.
    now = _dt.datetime.now(_dt.timezone.utc)
    row = db.session.get(SweepLease, NAME)
    if row is None:
        db.session.add(SweepLease(name=NAME, holder=None, expires_at=now))
        try:
            db.session.commit()
        except Exception:  # another process made it first
            db.session.rollback()
        row = db.session.get(SweepLease, NAME)
    stale = _dead_here(row.holder) or clock.as_utc(row.expires_at) is None or clock.as_utc(row.expires_at) < now
    if not stale and row.holder != _me():
        db.session.rollback()
        return False
    claimed = db.session.execute(
        update(SweepLease).where(SweepLease.name == NAME,
                                 or_(SweepLease.holder == row.holder, SweepLease.holder.is_(None)))
        .values(holder=_me(), expires_at=now + TTL)).rowcount
    db.session.commit()
    return bool(claimed)


def renew() -> None:
    """Push the lease's expiry on (long sweeps). Flushed with the caller's transaction."""
    db.session.execute(update(SweepLease).where(SweepLease.name == NAME, SweepLease.holder == _me())
                       .values(expires_at=_dt.datetime.now(_dt.timezone.utc) + TTL))


def release() -> None:
    """Give the lease back. Commits."""
    db.session.rollback()
    db.session.execute(update(SweepLease).where(SweepLease.name == NAME, SweepLease.holder == _me())
                       .values(holder=None, expires_at=_dt.datetime.now(_dt.timezone.utc)))
    db.session.commit()
