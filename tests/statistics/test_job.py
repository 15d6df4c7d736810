"""The nightly job counts only members who agreed, and forgets those who stop.

A member who withdraws marketing consent, suspends processing for statistics or
withdraws from the shop is in no aggregate and no profile after the next run, and
the run's ledger says how many were left out and why.
"""
from sentem import clock
from sentem.myinfo import services as myinfo
from sentem.statistics import pseudonyms
from sentem.statistics.models import StatProfile, StatRun, StatVisitsDaily
from tests.statistics.builders import cells, run, subscriber, visit
from tests.support.builders import grant


def _profiles() -> set[str]:
    return {p.pseudonym for p in StatProfile.query.all()}


def test_only_consenting_active_unsuspended_members_are_counted(app):
    counted = [subscriber(birth_date="1991-03-03", address1="서울특별시 중구 세종대로 110") for _ in range(5)]
    subscriber(consent=False)  # never agreed
    paused = subscriber()
    myinfo.set_suspension(paused, "suspend_statistics", True)
    gone = subscriber()
    gone.status = "withdrawal_pending"
    from sentem.extensions import db
    db.session.commit()
    for m in counted:
        visit(m)

    row = run()
    assert row.counted == 5
    assert (row.excluded_no_consent, row.excluded_suspended, row.excluded_inactive) == (1, 1, 1)
    assert cells("age_band") == {"30대": 5} and cells("region") == {"서울": 5}
    assert cells("signup_month") == {"2026-11": 5}
    assert StatVisitsDaily.query.one().members == 5
    assert pseudonyms.of_member(paused.id) not in _profiles()
    assert {pseudonyms.of_member(m.id) for m in counted} == _profiles()


def test_a_member_who_stops_disappears_on_the_next_run_and_the_ledger_says_why(app):
    members = [subscriber() for _ in range(8)]
    for m in members:
        visit(m)
    first = run()
    assert first.counted == 8 and cells("region") == {"서울": 8}

    suspends, withdraws_consent, leaves = members[:3]
    myinfo.set_suspension(suspends, "suspend_statistics", True)
    grant(withdraws_consent, "marketing_email", granted=False)
    leaves.status = "withdrawn"
    from sentem.extensions import db
    db.session.commit()

    second = run()
    assert second.counted == 5
    assert (second.left_suspended, second.left_no_consent, second.left_inactive) == (1, 1, 1)
    assert (second.excluded_suspended, second.excluded_no_consent, second.excluded_inactive) == (1, 1, 1)
    assert cells("region") == {"서울": 5} and cells("age_band") == {"30대": 5}
    assert StatVisitsDaily.query.one().members == 5
    for m in (suspends, withdraws_consent, leaves):
        assert pseudonyms.of_member(m.id) not in _profiles()

    myinfo.set_suspension(suspends, "suspend_statistics", False)  # resumes: counted again
    assert run().counted == 6


def test_bands_and_regions_come_from_the_encrypted_profile(app):
    clock.freeze("2026-11-28T01:00:00+00:00")
    subscriber(birth_date="2000-11-28", address1="경기도 성남시 분당구 1")  # 26 today
    subscriber(birth_date="2000-11-29", address1="충청북도 청주시 1")  # 25 until tomorrow
    subscriber(birth_date="1950-01-01", address1="제주특별자치도 제주시 1")
    subscriber(birth_date=None, address1=None)
    subscriber(birth_date="2019-01-01", address1="Somewhere abroad")
    run()
    assert cells("age_band") == {"20대": 2, "70대 이상": 1, "미입력": 1, "10대 미만": 1}
    assert cells("region") == {"경기": 1, "충북": 1, "제주": 1, "미입력": 1, "기타": 1}


def test_two_runs_never_build_at_once(app):
    from sentem.statistics import build
    from sentem.statistics.models import StatLease
    from sentem.extensions import db

    subscriber()
    db.session.add(StatLease(id=1, run_id=999, until=clock.now() + build.LEASE))
    db.session.commit()
    assert build.run() is None
    clock.freeze(clock.now() + build.LEASE + build.LEASE)  # a crashed holder's lease runs out
    assert build.run().status == "done"
    assert StatRun.query.filter_by(status="done").count() == 1
