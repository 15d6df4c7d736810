"""A night recomputes only what changed since the last run, and gets it right.

An order placed or cancelled after the last run changes the buyer's order count and purchased
categories and the sales of the order's day on the next run, while the other members' profiles
and the other days stay as they were; a product moved to another category changes its buyers
and its days as a full run would (``sentem.statistics.changes``; deletions: ``test_deletions``).
"""
import datetime as dt

from sentem import clock
from sentem.extensions import db
from sentem.orders import cancellation
from sentem.statistics import pseudonyms
from sentem.statistics.models import StatProfile, StatSalesDaily
from tests.orders.builders import make_category, make_paid_order, make_product
from tests.statistics.builders import figures, full_run, run, subscriber


def _sales() -> dict:
    db.session.expire_all()
    return {(str(s.day), s.category_id): (s.orders, s.amount) for s in StatSalesDaily.query.all()}


def _profiles(members) -> dict:
    """{member id: (orders, {categories})} as the statistics hold them now."""
    db.session.expire_all()
    out = {}
    for m in members:
        row = db.session.get(StatProfile, pseudonyms.of_member(m.id))
        out[m.id] = (row.orders_count, {int(c) for c in row.categories.split(",") if c})
    return out


def _shop():
    """Six subscribers; two bought in category A on 2026-12-05 (KST); the first run after it."""
    clock.freeze("2026-12-05T03:00:00+00:00")  # noon in Korea
    a, b = make_category(), make_category()
    members = [subscriber() for _ in range(6)]
    product_a, product_b = make_product(category_id=a.id), make_product(category_id=b.id)
    orders = [make_paid_order(members[i], product=product_a) for i in (0, 1)]
    clock.freeze("2026-12-05T06:00:00+00:00")
    assert run().full  # the first run computes everything
    return members, orders, (a, b), (product_a, product_b)


def test_an_order_placed_after_the_last_run_changes_the_buyer_and_that_day_only(app):
    members, _, (a, b), (_, product_b) = _shop()
    assert _sales() == {("2026-12-05", a.id): (2, 24000)}
    before = _profiles(members)
    assert before[members[0].id] == (1, {a.id}) and before[members[2].id] == (0, set())

    clock.freeze("2026-12-06T03:00:00+00:00")
    make_paid_order(members[2], product=product_b)
    clock.freeze("2026-12-06T06:00:00+00:00")
    row = run()
    assert not row.full
    assert _sales() == {("2026-12-05", a.id): (2, 24000), ("2026-12-06", b.id): (1, 12000)}
    after = _profiles(members)
    assert after[members[2].id] == (1, {b.id})
    assert {k: v for k, v in after.items() if k != members[2].id} == \
        {k: v for k, v in before.items() if k != members[2].id}  # nobody else changed


def test_an_order_cancelled_after_the_last_run_leaves_its_day_and_its_buyer(app):
    members, orders, (a, _), _ = _shop()
    before = _profiles(members)
    clock.freeze("2026-12-08T03:00:00+00:00")  # three days later, the order of the 5th is cancelled
    cancellation.cancel(orders[0], actor="member")
    clock.freeze("2026-12-08T06:00:00+00:00")
    row = run()
    assert not row.full
    assert _sales() == {("2026-12-05", a.id): (1, 12000)}
    after = _profiles(members)
    assert after[members[0].id] == (0, set())
    assert {k: v for k, v in after.items() if k != members[0].id} == \
        {k: v for k, v in before.items() if k != members[0].id}


def test_a_product_moved_to_another_category_changes_its_buyers_and_days_on_the_next_run_as_a_full_run(app):
    members, _, (a, b), (product_a, product_b) = _shop()
    clock.freeze("2026-12-06T03:00:00+00:00")
    make_paid_order(members[3], product=product_b)  # a buyer of another product: not touched by the move
    clock.freeze("2026-12-07T03:00:00+00:00")
    product_a.category_id = b.id
    db.session.commit()
    row = run()
    assert not row.full
    assert _sales() == {("2026-12-05", b.id): (2, 24000), ("2026-12-06", b.id): (1, 12000)}
    assert _profiles(members)[members[0].id] == (1, {b.id})
    incremental = figures([m.id for m in members])
    full_run()
    assert figures([m.id for m in members]) == incremental
    clock.freeze(clock.now() + dt.timedelta(days=1))
    assert not run().full
