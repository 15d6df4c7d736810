"""Orders and logins deleted by their retention period or with a withdrawal change the figures
on the next (incremental) run exactly as a full run would: no monthly full run is needed.

Each test builds a shop, runs the job, lets the retention sweep delete records, runs the job
again (not a full run) and compares every figure — each member's profile, the sales and visits
by day, the member counts — with what a full run computes from the same records.
"""

from sqlalchemy import update

from sentem import clock
from sentem.extensions import db
from sentem.orders.models import Order
from sentem.privacy.retention.sweep import sweep
from sentem.statistics import pseudonyms
from sentem.statistics.models import StatGoneDay, StatGoneMember
from tests.builders import PASSWORD
from tests.orders.builders import make_category, make_paid_order, make_product
from tests.statistics.builders import figures, full_run, run, subscriber, visit


def _at(when: str) -> None:
    clock.freeze(when)


def _settle(*orders) -> None:
    """The orders were delivered and their withdrawal period is over (what lets retention end)."""
    db.session.execute(update(Order).where(Order.id.in_([o.id for o in orders])).values(status="completed"))
    db.session.commit()


def _old_shop():
    """Six subscribers in December 2021; the first two bought then (category A) and the first
    logged in then only; all bought again in category B lately and the others visit lately."""
    _at("2021-12-01T03:00:00+00:00")
    a, b = make_category(), make_category()
    members = [subscriber() for _ in range(6)]
    product_a, product_b = make_product(category_id=a.id), make_product(category_id=b.id)
    old = [make_paid_order(members[i], product=product_a) for i in (0, 1)]
    visit(members[0])
    _settle(*old)
    _at("2026-11-20T03:00:00+00:00")
    recent = [make_paid_order(m, product=product_b) for m in members]
    for m in members[1:]:
        visit(m)
    _at("2026-11-25T06:00:00+00:00")
    assert run().full  # the first run
    _at("2026-11-26T06:00:00+00:00")
    assert not run().full
    return [m.id for m in members], members, old, recent, (a, b)


def test_orders_and_logins_ended_by_retention_change_the_members_on_the_next_run_as_a_full_run(app):
    ids, members, old, _, (a, b) = _old_shop()
    old_id = old[0].id
    before = figures(ids)
    assert before["profiles"][ids[0]][3:] == (2, "2021-12-01", frozenset({str(a.id), str(b.id)}))

    _at("2026-12-02T03:00:00+00:00")  # five years after the old orders and the old login
    summary = sweep()
    assert summary.counts[("orders", "expire")] == 2 and summary.counts[("login_history", "expire")] >= 1
    assert db.session.get(Order, old_id) is None
    # Both buyers (the first for the login too), by pseudonym under the current key; no member id.
    assert {g.pseudonym for g in StatGoneMember.query} == {pseudonyms.of_member(m.id) for m in members[:2]}
    _at("2026-12-02T06:00:00+00:00")
    row = run()
    assert not row.full
    incremental = figures(ids)
    assert incremental["profiles"][ids[0]][3:] == (1, "None", frozenset({str(b.id)}))
    assert incremental["profiles"][ids[1]][3:5] == (1, "2026-11-20")
    assert StatGoneMember.query.count() == 0 and StatGoneDay.query.count() == 0  # read, then deleted

    full_run()
    assert figures(ids) == incremental


def test_orders_deleted_with_a_withdrawal_leave_their_days_sales_on_the_next_run_as_a_full_run(app):
    from sentem.myinfo import withdrawal

    ids, members, _, recent, (_, b) = _old_shop()
    assert figures(ids)["sales"][("2026-11-20", b.id)][0] == 6
    leaving, order_id = members[2], recent[2].id
    _settle(recent[2])
    _at("2026-11-27T03:00:00+00:00")
    assert run().status == "done"  # the settled order's own change, read
    withdrawal.withdraw(leaving, PASSWORD, "yes")
    sweep()
    assert db.session.get(Order, order_id) is None  # archived, gone from the shop's database
    assert StatGoneMember.query.count() == 0  # a leaving member is never marked
    assert StatGoneDay.query.count() == 1
    _at("2026-11-28T06:00:00+00:00")
    row = run()
    assert not row.full and row.counted == 5
    incremental = figures(ids)
    assert incremental["sales"][("2026-11-20", b.id)][0] == 5
    full_run()
    assert figures(ids) == incremental


def test_the_first_run_of_a_month_is_incremental(app):
    _old_shop()
    _at("2026-11-30T18:00:00+00:00")  # 1 December in Korea
    assert not run().full


def test_a_mark_under_a_key_no_run_knows_makes_the_next_run_a_full_one(app):
    _, members, *_ = _old_shop()
    db.session.add(StatGoneMember(key_id=-1, pseudonym="0" * 32))  # e.g. restored from an older backup
    db.session.commit()
    _at("2026-11-27T06:00:00+00:00")
    assert run().full
    assert StatGoneMember.query.count() == 0
    _at("2026-11-28T06:00:00+00:00")
    assert not run().full


def test_destroying_a_member_deletes_their_marks(app):
    from sentem.statistics import records

    _, members, *_ = _old_shop()
    from sentem.statistics import deletions

    deletions.record("orders", [members[0].id, members[1].id], [])
    assert StatGoneMember.query.count() == 2
    records.destroy(members[0].id)
    assert [g.pseudonym for g in StatGoneMember.query] == [pseudonyms.of_member(members[1].id)]


def test_a_retention_sweep_racing_the_run_is_reflected_by_the_next_run_without_a_full_one(app):
    """The sweep deletes while the job builds (each with its own connection): whichever goes
    first, the marks are made under a key the next run can read, and its figures are a full run's."""
    from sentem.statistics import build
    from tests.races import errors, race

    ids, *_ = _old_shop()
    _at("2026-12-02T03:00:00+00:00")
    results = race(app, [sweep, build.run])
    assert not errors(results)
    _at("2026-12-02T06:00:00+00:00")
    row = run()
    assert not row.full
    incremental = figures(ids)
    assert incremental["profiles"][ids[0]][3] == 1
    full_run()
    assert figures(ids) == incremental
