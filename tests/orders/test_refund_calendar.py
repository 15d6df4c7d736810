"""Refund due dates and the return window follow the Korean calendar (설날, 추석, substitute holidays)."""
import datetime as dt

import holidays
import pytest

from sentem import clock
from sentem.extensions import db
from sentem.orders import cancellation
from sentem.orders.cancellation import CancelRefused
from sentem.orders.services import transition
from tests.builders import make_member
from tests.orders.builders import make_paid_order

KR_2027 = holidays.country_holidays("KR", years=2027)


def _delivered_order():
    order = make_paid_order(make_member())
    for status in ("preparing", "shipped", "delivered"):
        transition(order, status, actor="staff:1")
    db.session.commit()
    return order


def _refund_due_after_return_received(received_on: dt.date) -> dt.date:
    """Deliver and ask for a return the day before; staff confirm the parcel on ``received_on`` (KST)."""
    clock.freeze(received_on - dt.timedelta(days=1))
    order = _delivered_order()
    cancellation.request_return(order, actor=f"member:{order.member_id}")
    clock.freeze(clock.start_of_day(received_on) + dt.timedelta(hours=3))  # 03:00 KST of that day
    return cancellation.mark_received(order, actor="staff:2").refund_due_on


def test_the_package_knows_seollal_chuseok_and_substitute_days():
    # What the tests below rely on, checked against the pinned calendar itself.
    for day in ("2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09",  # 설날 (+ substitute Tue 9)
                "2027-09-14", "2027-09-15", "2027-09-16",  # 추석
                "2027-12-27"):  # substitute for Christmas on a Saturday
        assert dt.date.fromisoformat(day) in KR_2027, day
    assert "Alternative" in KR_2027[dt.date(2027, 2, 9)] and "Alternative" in KR_2027[dt.date(2027, 12, 27)]


def test_refund_due_across_seollal_2027(app):
    # Received Fri 5 Feb; Sat 6 – Tue 9 are 설날 and its substitute day: Wed 10, Thu 11, Fri 12.
    assert _refund_due_after_return_received(dt.date(2027, 2, 5)) == dt.date(2027, 2, 12)


def test_refund_due_across_chuseok_2027(app):
    # Received Mon 13 Sep; Tue 14 – Thu 16 are 추석: Fri 17, Mon 20, Tue 21.
    assert _refund_due_after_return_received(dt.date(2027, 9, 13)) == dt.date(2027, 9, 21)


def test_refund_due_skips_a_substitute_holiday(app):
    # Received Fri 24 Dec 2027; Christmas falls on Saturday, so Mon 27 is off: Tue 28, Wed 29, Thu 30.
    assert _refund_due_after_return_received(dt.date(2027, 12, 24)) == dt.date(2027, 12, 30)


def test_overdue_flag_waits_for_the_holiday_shifted_deadline(app):
    from sentem.orders.jobs import refund_deadline_job

    _refund_due_after_return_received(dt.date(2027, 2, 5))
    clock.freeze("2027-02-12T14:00:00+00:00")  # 23:00 KST on the due day: not late yet
    assert refund_deadline_job()["overdue_refunds"] == 0
    clock.freeze("2027-02-13T01:00:00+00:00")  # the next morning
    assert refund_deadline_job()["overdue_refunds"] == 1


def test_return_window_ending_on_a_holiday_runs_to_the_next_business_day(app):
    clock.freeze(dt.date(2027, 2, 1))  # delivered Mon 1 Feb: 7 days end Mon 8 Feb, a 설날 holiday
    order = _delivered_order()
    assert cancellation.return_deadline(order) == dt.date(2027, 2, 10)  # Tue 9 is the substitute day
    clock.freeze(dt.date(2027, 2, 11))
    with pytest.raises(CancelRefused, match="기간"):
        cancellation.request_return(order, actor=f"member:{order.member_id}")
    clock.freeze(clock.start_of_day(dt.date(2027, 2, 10)) + dt.timedelta(hours=23))
    assert cancellation.request_return(order, actor=f"member:{order.member_id}").status == "requested"
