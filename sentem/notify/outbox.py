"""The outbox: every email and SMS to a member goes through here.

Backends (``SENTEM_OUTBOX``):

- ``files`` (development, the default): each message is one file in
  ``<instance>/outbox/``, sealed as a whole with the master key, because an
  address or a mobile number is personal data and must never sit on disk in
  plaintext. ``messages()`` reads them back decrypted (tests, the developer).
- ``smtp``: email goes out through ``SENTEM_SMTP_URL``
  (``smtp://user:pass@host:587`` with STARTTLS, ``smtps://…`` for TLS,
  ``smtp+plain://host:25`` for a local relay without TLS). There is no SMS gateway
  contract yet, so SMS always uses the development backend.

Messages carry no more personal data than they need: callers pass a short body
without names or addresses; the recipient is only the address itself.
File names hold the member id (not personal by itself) so that a member's
messages can be deleted when their data is destroyed (``purge_member``).
"""
from __future__ import annotations

import json
import logging
import os
import smtplib
import ssl
import time
import uuid
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from .. import clock
from ..extensions import db
from ..security import datakeys

CONTEXT = "outbox"
SUFFIX = ".msg"


class OutboxError(RuntimeError):
    """A message could not be handed to its backend."""


def outbox_dir() -> str:
    """``<instance>/outbox``, created with mode 0700."""
    path = os.path.join(current_app.config["SENTEM_INSTANCE_PATH"], "outbox")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def send_email(to: str, subject: str, body: str, *, category: str, member_id: int | None = None) -> dict:
    """Send an email (or write it to the development outbox). Returns the message dict."""
    msg = _message("email", to, subject, body, category, member_id)
    if current_app.config.get("SENTEM_OUTBOX", "files") == "smtp":
        _smtp_send(msg)
    else:
        _write(msg)
    return msg


def send_sms(to: str, body: str, *, category: str, member_id: int | None = None) -> dict:
    """Send an SMS. Only the development backend exists: the message is written to the outbox."""
    msg = _message("sms", to, None, body, category, member_id)
    _write(msg)
    return msg


def messages(*, channel: str | None = None, to: str | None = None, category: str | None = None,
             member_id: int | None = None) -> list[dict]:
    """Messages in the development outbox, decrypted, oldest first, optionally filtered."""
    ring = datakeys.keyring()
    found = []
    path = outbox_dir()
    for name in sorted(os.listdir(path)):
        if not name.endswith(SUFFIX):
            continue
        with open(os.path.join(path, name), encoding="ascii") as fh:
            msg = json.loads(ring.open_bytes(fh.read().strip(), CONTEXT))
        if ((channel and msg["channel"] != channel) or (to and msg["to"] != to)
                or (category and msg["category"] != category)
                or (member_id is not None and msg["member_id"] != member_id)):
            continue
        found.append(msg)
    return found


def purge_member(member_id: int) -> int:
    """Delete the development-outbox files addressed to a member, and drop messages to them
    still waiting for the current transaction to commit; returns how many files."""
    pending = db.session.info.get("sentem_after_commit", [])
    pending[:] = [(owner, fn) for owner, fn in pending if owner != member_id]
    path = outbox_dir()
    marker = f"-m{member_id}-"
    count = 0
    for name in os.listdir(path):
        if marker in name and name.endswith(SUFFIX):
            os.remove(os.path.join(path, name))
            count += 1
    return count


def after_commit(session, fn, member_id: int | None = None) -> None:
    """Run ``fn()`` once the session's current transaction commits; drop it on rollback.

    Confirmations (consent changes, verification links) must not go out for a
    signup that failed and was rolled back, nor for a member whose data is destroyed
    in the same transaction (``purge_member`` drops them: pass ``member_id``).
    """
    session.info.setdefault("sentem_after_commit", []).append((member_id, fn))


@event.listens_for(Session, "after_commit")
def _run_after_commit(session):
    pending = session.info.pop("sentem_after_commit", [])
    for _owner, fn in pending:
        try:
            fn()
        except Exception as exc:  # the data is committed; a mail server being down must not turn it into a 500
            logging.getLogger("sentem.notify").warning("message not sent after commit: %s", type(exc).__name__)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session, previous_transaction):
    if not previous_transaction.nested:
        session.info.pop("sentem_after_commit", None)


def _message(channel, to, subject, body, category, member_id) -> dict:
    if not to:
        raise OutboxError("a message needs a recipient")
    return {
        "id": uuid.uuid4().hex,
        "channel": channel,
        "to": to,
        "subject": subject,
        "body": body,
        "category": category,
        "member_id": member_id,
        "at": clock.now().isoformat(),
    }


def _write(msg: dict) -> None:
    token = datakeys.keyring().seal(json.dumps(msg, ensure_ascii=False), CONTEXT)
    owner = f"m{msg['member_id']}" if msg["member_id"] is not None else "x"
    # The name orders files by the moment they were written (the Sentem clock may be
    # frozen in tests, so a wall-clock counter is used for ordering only).
    name = f"{time.time_ns():020d}-{owner}-{msg['id']}{SUFFIX}"
    fd = os.open(os.path.join(outbox_dir(), name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(token + "\n")


def _smtp_send(msg: dict) -> None:
    url = current_app.config.get("SENTEM_SMTP_URL")
    if not url:
        raise OutboxError("SENTEM_OUTBOX=smtp needs SENTEM_SMTP_URL")
    parts = urlsplit(url)
    email = EmailMessage()
    email["From"] = current_app.config.get("SENTEM_MAIL_FROM") or current_app.config["BUSINESS_EMAIL"]
    email["To"] = msg["to"]
    email["Subject"] = msg["subject"] or ""
    email.set_content(msg["body"])
    host, port = parts.hostname or "localhost", parts.port
    try:
        if parts.scheme == "smtps":
            conn = smtplib.SMTP_SSL(host, port or 465, context=ssl.create_default_context(), timeout=20)
        else:
            conn = smtplib.SMTP(host, port or (25 if parts.scheme == "smtp+plain" else 587), timeout=20)
            if parts.scheme == "smtp":
                conn.starttls(context=ssl.create_default_context())
        with conn:
            if parts.username:
                conn.login(unquote(parts.username), unquote(parts.password or ""))
            conn.send_message(email)
    except (OSError, smtplib.SMTPException) as exc:
        raise OutboxError(f"SMTP delivery failed: {type(exc).__name__}") from exc
