"""``flask outbox list``: a developer reads the sealed development outbox, newest first."""
import base64

import pytest

from sentem.notify import outbox

LINK = "http://localhost:5000/account/reset-password/" + "T" * 43


def test_lists_newest_first_with_links_in_full(app, runner):
    outbox.send_email("first@example.com", "[왓플래닛] 첫 메일", "첫 번째 본문", category="t", member_id=1)
    outbox.send_email("second@example.com", "[왓플래닛] 비밀번호 재설정", f"아래 링크를 여세요.\n\n{LINK}\n",
                      category="t", member_id=2)
    outbox.send_sms("010-1111-2222", "문자 본문", category="t_sms")
    res = runner.invoke(args=["outbox", "list"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert out.index("010-1111-2222") < out.index("second@example.com") < out.index("first@example.com")
    assert LINK in out  # never shortened: the developer copies it into the browser
    assert "subject: [왓플래닛] 비밀번호 재설정" in out and "2026-11-28 10:00:00 KST" in out
    ids = [m["id"] for m in outbox.messages()]
    assert all(f"id:      {i}" in out for i in ids)


def test_to_filters_by_recipient(app, runner):
    outbox.send_email("a@example.com", "s", "for a", category="t")
    outbox.send_email("b@example.com", "s", "for b", category="t")
    res = runner.invoke(args=["outbox", "list", "--to", "B@example.com"])
    assert res.exit_code == 0 and "for b" in res.output and "for a" not in res.output
    res = runner.invoke(args=["outbox", "list", "--to", "nobody@example.com"])
    assert res.exit_code == 0 and "no messages to nobody@example.com" in res.output


PRODUCTION = {"SENTEM_ENV": "production", "SECRET_KEY": "p" * 48, "SENTEM_TEST_GATEWAY": False,
              "SENTEM_MASTER_KEY": base64.urlsafe_b64encode(b"k" * 32).decode(),
              # production starts only with a real PG configured (issue 17's guard)
              "SENTEM_PAYMENT_GATEWAY": "toss", "SENTEM_TOSS_CLIENT_KEY": "live_ck_x",
              "SENTEM_TOSS_SECRET_KEY": "live_sk_x"}


@pytest.mark.parametrize("app_config", [PRODUCTION])
def test_refused_in_production(app, runner):
    outbox.send_sms("010-1111-2222", "비밀 본문", category="t_sms")
    res = runner.invoke(args=["outbox", "list"])
    assert res.exit_code == 1 and "SENTEM_ENV=production" in res.output
    assert "비밀 본문" not in res.output and "010-1111-2222" not in res.output
