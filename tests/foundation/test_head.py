"""HEAD never changes state (issue 14, part 5): mail scanners and link checkers send HEAD
(and GET) to every link they see. HEAD on every GET route, as a visitor, a member and a
staff member, leaves every table of the three databases exactly as it was."""
import hashlib

import pytest
from sqlalchemy import select

from sentem.extensions import db
from tests import hostile
from tests.builders import make_member
from tests.foundation.test_hostile_input import _sign_in


def fingerprint() -> dict[str, str]:
    """table -> digest of its rows (every bind)."""
    out = {}
    db.session.commit()
    for bind, metadata in db.metadatas.items():
        with db.engines[bind].connect() as conn:
            for table in metadata.sorted_tables:
                rows = sorted(repr(tuple(r)) for r in conn.execute(select(table)))
                out[f"{bind or 'main'}.{table.name}"] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


@pytest.mark.parametrize("who", ["anonymous", "member", "privacy_officer"])
def test_head_on_every_get_route_changes_no_table(app, who):
    from tests.admin.builders import make_staff

    officer = make_staff("privacy_officer")[0]
    member = make_member()
    client = app.test_client()
    changed = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods:
            continue
        for value in ("1", "x"):
            _sign_in(client, who, member, officer if who == "privacy_officer" else None)
            before = fingerprint()  # after signing in: the test's own sign-in may write a session row
            resp = client.head(hostile.fill(rule, value))
            assert resp.status_code < 500, (rule.rule, resp.status_code)
            after = fingerprint()
            diff = sorted(t for t in after if after[t] != before.get(t))
            if diff:
                changed.append(f"HEAD {hostile.fill(rule, value)} → {diff}")
    assert not changed, "\n".join(changed)
