"""The outbox: every email and SMS to a member goes through here.

Backends (``SENTEM_OUTBOX``):

- ``files`` (development, the default): each message is one file in
  ``<instance>/outbox/``, sealed as a whole under the outbox key of the day it was
  written (a data key in the key store), because an address or a mobile number is
  personal data and must never sit on disk in plaintext. ``messages()`` reads them
  back decrypted (tests, the developer). A day's files are kept ``KEEP_DAYS`` days;
  then the retention sweep deletes them and shreds that day's key (``purge_expired``),
  so a deleted file — or a copy of it in a backup — opens with nothing the shop holds
  within five days of its day.
- ``smtp``: email goes out through ``SENTEM_SMTP_URL``
  (``smtp://user:pass@host:587`` with STARTTLS, ``smtps://…`` for TLS,
  ``smtp+plain://host:25`` for a local relay without TLS). There is no SMS gateway
  contract yet, so SMS always uses the development backend.

Messages carry no more personal data than they need: callers pass a short body
without names or addresses; the recipient is only the address itself.
File names hold the day and the member id (neither personal by itself) so that a
member's messages can be deleted when their data is destroyed (``purge_member``); the
day key they were sealed under dies with the day's purge, at most ``KEEP_DAYS`` + 1
days later, and its epoch root before the fifth day.
"""
from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import re
import smtplib
import ssl
import time
import uuid
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import clock
from ..extensions import db
from ..security import aead, datakeys

CONTEXT = "outbox"
SUFFIX = ".msg"
KIND = "outbox"
KEEP_DAYS = 2  # a day's messages (and its key) are kept this many days after it
_DAY = re.compile(r"-d(\d{8})-")


class OutboxError(RuntimeError):
    """A message could not be handed to its backend."""


def outbox_dir() -> str:
    """``<instance>/outbox``, created with mode 0700."""
    path = os.path.join(current_app.config["SENTEM_INSTANCE_PATH"], "outbox")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def send_email(to: str, subject: str, body: str, *, category: str, member_id: int | None = None,
               unsubscribe: str | None = None) -> dict:
    """Send an email (or write it to the development outbox). Returns the message dict.

    ``unsubscribe`` (an https opt-out URL that takes a POST) adds RFC 8058 one-click
    headers, so that mail clients offer their own 수신거부 button."""
    msg = _message("email", to, subject, body, category, member_id)
    if unsubscribe:
        msg["headers"] = unsubscribe_headers(unsubscribe)
    if current_app.config.get("SENTEM_OUTBOX", "files") == "smtp":
        _smtp_send(msg)
    else:
        _write(msg)
    return msg


def unsubscribe_headers(url: str) -> dict:
    """RFC 2369 ``List-Unsubscribe`` and RFC 8058 ``List-Unsubscribe-Post`` for ``url``."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def send_sms(to: str, body: str, *, category: str, member_id: int | None = None) -> dict:
    """Send an SMS. Only the development backend exists: the message is written to the outbox."""
    msg = _message("sms", to, None, body, category, member_id)
    _write(msg)
    return msg


def messages(*, channel: str | None = None, to: str | None = None, category: str | None = None,
             member_id: int | None = None) -> list[dict]:
    """Messages in the development outbox, decrypted, oldest first, optionally filtered."""
    found = []
    path = outbox_dir()
    for name in sorted(os.listdir(path)):
        if not name.endswith(SUFFIX):
            continue
        with open(os.path.join(path, name), encoding="ascii") as fh:
            try:
                msg = json.loads(datakeys.open_token(fh.read().strip(), CONTEXT))
            except aead.KeyDestroyed:
                continue  # its day was purged: this file is garbage left by a copy

        if ((channel and msg["channel"] != channel) or (to and msg["to"] != to)
                or (category and msg["category"] != category)
                or (member_id is not None and msg["member_id"] != member_id)):
            continue
        found.append(msg)
    return found


def newest_first(*, to: str | None = None) -> list[dict]:
    """The development outbox for a reader (``flask outbox list``): newest first, optionally
    only the messages to ``to`` (an address or number, compared case-insensitively)."""
    wanted = (to or "").strip().casefold()
    found = [m for m in messages() if not wanted or str(m["to"]).casefold() == wanted]
    return list(reversed(found))


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


def purge_expired(as_of: _dt.datetime | None = None, shred=None) -> tuple[int, int]:
    """Delete the files of days older than ``KEEP_DAYS`` and shred those days' keys with
    ``shred(key_id, deadline)`` (default ``datakeys.shred``: flushed, not committed; the
    retention sweep passes its own, which ledgers each shred); returns (files, keys)."""
    shred = shred or (lambda key_id, deadline: datakeys.shred(key_id, deadline=deadline))
    today = clock.to_kst(as_of or clock.now()).date()
    oldest_kept = today - _dt.timedelta(days=KEEP_DAYS)
    files = 0
    path = outbox_dir()
    for name in os.listdir(path):
        m = _DAY.search(name)
        if name.endswith(SUFFIX) and m and _dt.datetime.strptime(m.group(1), "%Y%m%d").date() < oldest_kept:
            os.remove(os.path.join(path, name))
            files += 1
    keys = 0
    for key_id, label in datakeys.labelled_keys(KIND):
        day = _dt.date.fromisoformat(label.removeprefix("outbox-"))
        if day < oldest_kept:
            # A member purged on that very day: their copies must be unreadable five days on.
            shred(key_id, clock.start_of_day(day + _dt.timedelta(days=1)) + _dt.timedelta(days=5))
            keys += 1
    return files, keys


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


def _day_key(day: _dt.date) -> tuple[int, bytes]:
    """The outbox key of ``day`` (id, raw), made on first use and committed at once.

    In an app context of its own, so a session of its own: messages are written from
    an after-commit hook (where the caller's session can send no SQL) or inside a
    transaction that may still roll back (and must not take the key with it).
    """
    label = f"outbox-{day.isoformat()}"
    with current_app.app_context():
        try:
            key_id = datakeys.labelled_key(KIND, label)
            db.session.commit()
        except IntegrityError:  # another process made it first
            db.session.rollback()
            key_id = datakeys.labelled_key(KIND, label)
        return key_id, datakeys.raw_key(key_id)


def _write(msg: dict) -> None:
    day = clock.today()
    try:
        key_id, raw = _day_key(day)
        token = aead.seal(raw, datakeys.kid_for(key_id), json.dumps(msg, ensure_ascii=False), CONTEXT)
    except Exception as exc:  # the key store unreachable: the caller's OutboxError handling applies
        raise OutboxError(f"outbox key unavailable: {type(exc).__name__}") from exc
    owner = f"m{msg['member_id']}" if msg["member_id"] is not None else "x"
    # The name orders files by the moment they were written (the Sentem clock may be
    # frozen in tests, so a wall-clock counter is used for ordering only) and names the
    # day whose key sealed it (for the purge).
    name = f"{time.time_ns():020d}-d{day:%Y%m%d}-{owner}-{msg['id']}{SUFFIX}"
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
    for name, value in (msg.get("headers") or {}).items():
        email[name] = value
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
