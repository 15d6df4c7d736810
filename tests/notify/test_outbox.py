"""The outbox: sealed files in the instance folder, read back decrypted, minimal content."""
import os

from sentem.extensions import db
from sentem.notify import outbox


def test_email_and_sms_are_sealed_on_disk_and_read_back(app):
    outbox.send_email("reader@example.com", "제목", "본문 내용", category="test", member_id=7)
    outbox.send_sms("010-1111-2222", "문자 본문", category="test_sms")
    msgs = outbox.messages()
    assert [m["channel"] for m in msgs] == ["email", "sms"]
    assert msgs[0]["to"] == "reader@example.com" and msgs[0]["member_id"] == 7
    assert outbox.messages(channel="sms")[0]["body"] == "문자 본문"
    folder = outbox.outbox_dir()
    for name in os.listdir(folder):
        raw = open(os.path.join(folder, name), "rb").read()
        assert b"reader@example.com" not in raw and b"010-1111-2222" not in raw
        assert "본문".encode() not in raw
        assert oct(os.stat(os.path.join(folder, name)).st_mode & 0o777) == "0o600"


def test_purge_member_removes_only_that_members_files(app):
    outbox.send_email("a@example.com", "s", "b", category="t", member_id=1)
    outbox.send_email("b@example.com", "s", "b", category="t", member_id=11)
    assert outbox.purge_member(1) == 1
    assert [m["member_id"] for m in outbox.messages()] == [11]


def test_after_commit_sends_only_when_the_transaction_commits(app):
    db.session.execute(db.text("SELECT 1"))  # a transaction is open, as after a flush
    outbox.after_commit(db.session(), lambda: outbox.send_email("x@example.com", "s", "b", category="c"))
    db.session.rollback()
    db.session.commit()
    assert outbox.messages() == []
    outbox.after_commit(db.session(), lambda: outbox.send_email("x@example.com", "s", "b", category="c"))
    db.session.commit()
    assert len(outbox.messages()) == 1


def test_smtp_backend_needs_a_url(app):
    app.config["SENTEM_OUTBOX"] = "smtp"
    app.config["SENTEM_SMTP_URL"] = None
    try:
        outbox.send_email("x@example.com", "s", "b", category="c")
    except outbox.OutboxError as exc:
        assert "SENTEM_SMTP_URL" in str(exc)
    else:
        raise AssertionError("smtp without a URL must refuse")


def test_purge_drops_messages_still_waiting_for_commit(app):
    db.session.execute(db.text("SELECT 1"))
    outbox.after_commit(db.session(), lambda: outbox.send_email("gone@example.com", "s", "b", category="c",
                                                                member_id=5), member_id=5)
    outbox.after_commit(db.session(), lambda: outbox.send_email("kept@example.com", "s", "b", category="c",
                                                                member_id=6), member_id=6)
    outbox.purge_member(5)
    db.session.commit()
    assert [m["to"] for m in outbox.messages()] == ["kept@example.com"]


def test_a_days_messages_die_with_its_key(app, tmp_path):
    """Sealed under the key of their day, not the master key: when the sweep purges the
    day, a copy of a file (and of the key store) opens with nothing the shop holds."""
    import datetime as _dt
    import shutil

    from sentem import clock
    from sentem.privacy.retention.sweep import sweep
    from sentem.security import aead, datakeys
    from tests.retention import attacker, proofkit

    outbox.send_email("daykey@example.com", "제목", "본문", category="test", member_id=3)
    (name,) = os.listdir(outbox.outbox_dir())
    copy = shutil.copy(os.path.join(outbox.outbox_dir(), name), tmp_path / "copy.msg")
    token = open(copy, encoding="ascii").read().strip()
    kid = aead.key_id(token)
    assert kid.startswith("k") and not kid.startswith("m")
    from sentem.security.keystore import DataKey, KeyBucket

    db.session.commit()  # a copy of the key store as it is now (a backup, a WAL segment)
    keys_copy = attacker.harvest(blobs=[w.encode() for model in (DataKey, KeyBucket)
                                        for w in db.session.execute(db.select(model.wrapped)).scalars()])
    assert attacker.recover(keys_copy, int(kid[1:]), *proofkit.current_secrets(app))  # today it opens
    written = clock.now()

    clock.freeze(written + _dt.timedelta(days=outbox.KEEP_DAYS))  # still kept
    sweep()
    assert [m["to"] for m in outbox.messages()] == ["daykey@example.com"]
    clock.freeze(written + _dt.timedelta(days=outbox.KEEP_DAYS + 1))  # the day is purged
    s = sweep()
    assert s.counts[("outbox", "outbox_purge")] == 1 and s.counts[("outbox", "outbox_key_shred")] == 1
    assert os.listdir(outbox.outbox_dir()) == [] and outbox.messages() == []
    try:
        datakeys.open_token(token, outbox.CONTEXT)
    except aead.KeyDestroyed:
        pass
    else:
        raise AssertionError("the purged day's key still opens its messages")
    clock.freeze(written + _dt.timedelta(days=5))  # five days on: the old root is gone too
    sweep()
    assert attacker.recover(keys_copy, int(kid[1:]), *proofkit.current_secrets(app)) is None
