"""Two sweeps that both got past the lease (a lease taken over while its holder still ran):
each withdrawal step is claimed by a compare-and-set, so a member is destroyed, counted in
the ledger and finished once. SQLite and PostgreSQL alike."""
from __future__ import annotations

from sqlalchemy import select

from sentem import clock
from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.privacy.retention import ledger, services, withdrawal
from sentem.privacy.retention.models import DestructionLedger, Duty
from sentem.security.datakeys import DataKey
from tests.builders import make_member
from tests.races import errors, race


def _ledger() -> dict:
    out: dict = {}
    for row in db.session.execute(select(DestructionLedger)).scalars():
        out[(row.record_class, row.action)] = out.get((row.record_class, row.action), 0) + row.count
    return out


def test_two_sweeps_racing_on_one_withdrawal_do_each_step_once(app):
    members = [make_member() for _ in range(3)]
    ids = [(m.id, m.data_key_id) for m in members]
    for m in members:
        m.status = "withdrawn"
        services.schedule_withdrawal(m.id)
    db.session.commit()
    clock.advance(days=1)
    as_of = clock.now()
    db.session.remove()

    def sweep_batch(duties):
        summary = ledger.Summary(run_id=ledger.new_run_id())
        withdrawal.run_batch(duties, summary, as_of, "race-test")
        return summary

    summaries = race(app, [sweep_batch] * 2, prepare=lambda: withdrawal.due_batch(as_of, 0, 10))

    assert errors(summaries) == [] and not any(s.errors for s in summaries)
    assert sum(s.duties_done for s in summaries) == 3
    counts = _ledger()
    assert counts[("member", "key_shred")] == 3
    assert counts[("member_profile", "destroy")] == 3
    for member_id, key_id in ids:
        assert db.session.get(Member, member_id) is None and db.session.get(DataKey, key_id) is None
    assert {d.status for d in db.session.execute(select(Duty)).scalars()} == {"done"}
