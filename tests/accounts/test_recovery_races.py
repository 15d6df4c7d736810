"""A reset link used by parallel submits sets the password once (compare-and-set on the link)."""
from sqlalchemy import select

from sentem.accounts import recovery
from sentem.accounts.history import LoginEvent
from sentem.extensions import db
from tests.accounts.recovery_helpers import login, mails, reset_token, verified_member
from tests.races import errors, race

N = 6


def test_parallel_submits_of_one_link_set_the_password_once(app, client):
    m = verified_member()
    recovery.request_reset(m.login_id, m.email)
    token = reset_token(m)
    passwords = [f"parallel-choice-{i}" for i in range(N)]
    results = race(app, [lambda pw=pw: recovery.complete_reset(token, pw, pw) for pw in passwords])
    assert errors(results, recovery.ResetLinkError) == []
    winners = [pw for pw, r in zip(passwords, results) if not isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(r.state == "used" for r in results if isinstance(r, recovery.ResetLinkError))
    done = db.session.execute(select(LoginEvent).where(LoginEvent.member_id == m.id,
                                                       LoginEvent.kind == "reset_done")).scalars().all()
    assert len(done) == 1 and len(mails("password_changed", m.email)) == 1
    assert login(client, m, winners[0]).status_code == 302
