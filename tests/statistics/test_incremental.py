"""A night decrypts only what changed, and still gets every member right.

The profiles are kept between runs (``sentem.statistics.profiles``): these tests show that a
corrected address or a deleted birth date, a birthday that turns a member 30, a suspension
and a consent given again are all reflected by the next run, while members nobody touched
are not decrypted again.
"""
import datetime as dt

from sentem import clock
from sentem.myinfo import correction
from sentem.myinfo import services as myinfo
from sentem.statistics import pseudonyms
from sentem.statistics.models import StatProfile
from tests.statistics.builders import cells, run, subscriber, visit
from tests.support.builders import grant


def later(hours: float = 2) -> None:
    """Move the clock on: a change within the hour before a run is read again by the next one
    (``build.CHANGE_MARGIN``), so the runs below keep their distance from the changes."""
    clock.freeze(clock.now() + dt.timedelta(hours=hours))


def _profile(member) -> StatProfile | None:
    from sentem.extensions import db

    db.session.expire_all()
    return db.session.get(StatProfile, pseudonyms.of_member(member.id))


def test_a_quiet_night_decrypts_nobody_and_keeps_the_figures(app):
    for _ in range(6):
        visit(subscriber())
    later()
    first = run()
    assert (first.counted, first.decrypted) == (6, 6)
    later(24)
    second = run()
    assert (second.counted, second.decrypted) == (6, 0)
    assert cells("region") == {"서울": 6} and cells("age_band") == {"30대": 6}
    assert "classify=" in second.timings and "decrypt=" in second.timings


def test_a_changed_profile_moves_the_member_to_the_new_region_on_the_next_run(app):
    members = [subscriber() for _ in range(6)]
    mover = members[0]
    later()
    run()
    later(5)
    changed, errors = correction.correct(mover, {"address1": "부산광역시 해운대구 1"}, password=None)
    assert changed == ["address1"] and not errors
    row = run()
    assert row.decrypted == 1  # only the member who changed
    assert cells("region") == {"서울": 5, "부산": 1}
    assert _profile(mover).region == "부산"

    later(5)
    correction.delete_item(mover, "birth_date")  # deleted at once, not through a correction
    assert run().decrypted == 1
    assert cells("age_band") == {"30대": 5, "미입력": 1}


def test_a_member_turning_30_changes_band_on_the_run_after_the_birthday(app):
    clock.freeze("2026-12-09T01:00:00+00:00")
    turning = subscriber(birth_date="1996-12-10")  # 29 today, 30 tomorrow (KST)
    for _ in range(5):
        subscriber(birth_date="1980-06-01")
    later()
    run()
    assert cells("age_band") == {"20대": 1, "40대": 5}
    assert _profile(turning).band_recheck == "2026-12"  # the month to look again, not the day

    clock.freeze("2026-12-10T03:00:00+00:00")
    row = run()
    assert row.decrypted == 1  # the one member whose band may change this month
    assert cells("age_band") == {"30대": 1, "40대": 5}
    assert _profile(turning).band_recheck == "2036-12"
    clock.freeze("2026-12-11T03:00:00+00:00")
    assert run().decrypted == 0


def test_a_suspended_member_disappears_and_comes_back_when_they_resume(app):
    members = [subscriber(address1="대구광역시 중구 1") for _ in range(6)]
    for m in members:
        visit(m)
    later()
    run()
    paused = members[0]
    myinfo.set_suspension(paused, "suspend_statistics", True)
    row = run()
    assert (row.counted, row.left_suspended, row.decrypted) == (5, 1, 0)
    assert _profile(paused) is None and cells("region") == {"대구": 5}

    myinfo.set_suspension(paused, "suspend_statistics", False)
    row = run()
    assert (row.counted, row.decrypted) == (6, 1)  # decrypted again: nothing of them was kept
    assert cells("region") == {"대구": 6}


def test_consent_withdrawn_then_given_again_is_read_afresh(app):
    members = [subscriber() for _ in range(5)]
    leaver = members[0]
    later()
    run()
    grant(leaver, "marketing_email", granted=False)
    row = run()
    assert (row.counted, row.left_no_consent) == (4, 1) and _profile(leaver) is None
    correction.correct(leaver, {"address1": "광주광역시 북구 1"}, password=None)  # while not counted
    grant(leaver, "marketing_email")
    later(24)
    row = run()
    assert (row.counted, row.decrypted) == (5, 1)
    assert cells("region") == {"서울": 4, "광주": 1}


def test_scattered_members_are_read_by_their_ids_not_by_the_whole_range(app):
    from sentem.accounts.models import Member
    from sentem.extensions import db
    from sentem.privacy import members as port
    from sentem.security import buckets

    people = [subscriber(address1=f"인천광역시 {i}구") for i in range(30)]
    wanted = [people[i].id for i in (0, 9, 17, 29)]
    conditions = buckets.id_filters(Member.id, wanted)
    assert [str(c.compile()).split()[1] for c in conditions] == ["IN"]  # not one BETWEEN over 30 rows
    read = {i for c in conditions for i in db.session.execute(db.select(Member.id).where(c)).scalars()}
    assert read == set(wanted)
    values = port.profile_values(wanted, ("address1",))
    assert sorted(values) == sorted(wanted) and values[wanted[1]]["address1"] == "인천광역시 9구"
    dense = [p.id for p in people[:20]]
    assert [str(c.compile()).split()[1] for c in buckets.id_filters(Member.id, dense)] == ["BETWEEN"]
