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
