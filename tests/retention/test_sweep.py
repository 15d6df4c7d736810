"""The sweep on a test record class: archive move, destruction, shredding, expiry, holds."""
from __future__ import annotations

import datetime as _dt

import pytest
from sqlalchemy import func, select

from sentem import clock
from sentem.accounts.models import Member
from sentem.extensions import db
from sentem.privacy.retention import archive, services
from sentem.privacy.retention.models import ArchivedRecord, DestructionLedger, Duty
from sentem.privacy.retention.sweep import sweep
from sentem.security import aead, datakeys
from sentem.security.datakeys import DataKey
from tests.builders import make_member
from tests.retention.toy import add_order, rows_of


def _ledger() -> dict:
    out = {}
    for row in db.session.execute(select(DestructionLedger)).scalars():
        out[(row.record_class, row.action)] = out.get((row.record_class, row.action), 0) + row.count
    return out


def _withdraw(member):
    member.status = "withdrawn"
    services.schedule_withdrawal(member.id)
    db.session.commit()


def test_schedule_is_durable_with_the_callers_transaction(app):
    m = make_member()
    services.schedule_withdrawal(m.id)
    db.session.rollback()  # the caller's withdrawal failed: no duty either
    assert db.session.execute(select(func.count(Duty.id))).scalar() == 0
    d1 = services.schedule_withdrawal(m.id)
    d2 = services.schedule_withdrawal(m.id)
    db.session.commit()
    assert d1.id == d2.id and d1.key_id == m.data_key_id
    assert d1.deadline_at - d1.due_at == _dt.timedelta(days=5)
    assert [d.id for d in services.upcoming()] == [d1.id]


def test_withdrawal_archives_destroys_and_shreds(app, toy):
    m = make_member(name="김보관")
    add_order(m, "T-100", "김수령", clock.now() - _dt.timedelta(days=30))
    add_order(m, "T-101", "김수령", clock.now() - _dt.timedelta(days=10))
    key_id, m_id = m.data_key_id, m.id
    _withdraw(m)
    clock.advance(days=1)
    s = sweep()
    assert not s.errors
    assert s.counts[("toy_order", "archive_move")] == 2
    assert s.counts[("toy_order", "destroy")] == 2
    assert s.counts[("member_profile", "destroy")] == 1
    assert s.counts[("member", "key_shred")] == 1
    db.session.expire_all()
    assert rows_of(m_id) == [] and db.session.get(Member, m_id) is None
    assert db.session.get(DataKey, key_id) is None
    records = archive.lookup("T-100")
    assert len(records) == 1 and "김수령" not in records[0].payload_ct
    assert archive.read_payload(records[0])["수령인"] == "김수령"
    assert records[0].retain_until.year == 2031 and records[0].legal_basis_ko.startswith("전자상거래법")
    duty = db.session.execute(select(Duty).filter_by(kind="withdrawal")).scalar_one()
    assert duty.status == "done" and duty.done_at is not None
    before = _ledger()
    again = sweep()  # idempotent: nothing left to do, nothing counted twice
    assert not again.counts and _ledger() == before
    assert db.session.execute(select(func.count(ArchivedRecord.id))).scalar() == 2


def test_dry_run_changes_nothing(app, toy):
    m = make_member()
    add_order(m, "T-200", "이수령")
    _withdraw(m)
    s = sweep(dry_run=True)
    assert s.counts[("toy_order", "archive_move")] == 1 and s.counts[("toy_order", "destroy")] == 1
    db.session.expire_all()
    assert db.session.get(Member, m.id) is not None and len(rows_of(m.id)) == 1
    assert db.session.execute(select(func.count(ArchivedRecord.id))).scalar() == 0
    assert db.session.execute(select(func.count(DestructionLedger.id))).scalar() == 0


def test_archive_expiry_hold_and_day_key(app, toy):
    m = make_member()
    start = clock.now() - _dt.timedelta(days=3)
    add_order(m, "T-300", "박수령", start)
    add_order(m, "T-301", "박수령", start)
    _withdraw(m)
    sweep()
    services.place_hold("toy_order", "T-301", "소비자 분쟁 조정 중")
    (rec,) = archive.lookup("T-301")
    assert rec.hold_reason == "소비자 분쟁 조정 중"
    until = archive.lookup("T-300")[0].retain_until
    day_key = archive.lookup("T-300")[0].key_id
    clock.freeze(until + _dt.timedelta(days=40))
    s = sweep()
    assert s.counts[("toy_order", "archive_destroy")] == 1
    assert archive.lookup("T-300") == [] and len(archive.lookup("T-301")) == 1
    day = db.session.execute(select(Duty).filter_by(kind="archive_expiry")).scalar_one()
    assert day.status == "held" and "보류" in day.hold_reason
    assert services.overdue_count() == 0  # a hold is visible, not overdue
    assert db.session.get(DataKey, day_key) is not None
    hold = services.active_holds("toy_order")[0]
    services.release_hold(hold.id)
    s = sweep()
    assert s.counts[("toy_order", "archive_destroy")] == 1
    assert s.counts[("archive", "archive_key_shred")] == 1
    db.session.expire_all()
    assert db.session.get(DataKey, day_key) is None
    assert db.session.execute(select(func.count(ArchivedRecord.id))).scalar() == 0
    assert db.session.execute(select(Duty.status).filter_by(kind="archive_expiry")).scalar() == "done"
    ledger = _ledger()
    assert ledger[("toy_order", "archive_destroy")] == 2 and ledger[("archive", "archive_key_shred")] == 1


def test_never_withdrawn_records_expire_by_the_registry(app, toy):
    m = make_member()
    add_order(m, "T-400", "최수령", clock.now() - _dt.timedelta(days=5 * 366 + 1))
    add_order(m, "T-401", "최수령", clock.now() - _dt.timedelta(days=30))
    s = sweep(batch_size=1)
    assert s.counts[("toy_order", "expire")] == 1
    assert [r.order_no for r in rows_of(m.id)] == ["T-401"]
    assert db.session.get(Member, m.id) is not None
    standing = db.session.execute(select(Duty).filter_by(kind="expire_sweep", record_class="toy_order")).scalar_one()
    assert standing.done_at is not None and standing.due_at > clock.now()


def test_records_past_retention_at_withdrawal_are_destroyed_not_archived(app, toy):
    m = make_member()
    add_order(m, "T-500", "정수령", clock.now() - _dt.timedelta(days=6 * 366))
    _withdraw(m)
    s = sweep()
    assert ("toy_order", "archive_move") not in s.counts and s.counts[("toy_order", "destroy")] == 1
    assert archive.lookup("T-500") == []


def test_overdue_duty_fails_health_and_shows_banner(app, client):
    m = make_member()
    _withdraw(m)
    assert client.get("/healthz").get_json()["checks"]["retention"]["ok"]
    assert services.overdue_banner() is None
    clock.advance(days=6)
    resp = client.get("/healthz")
    assert resp.status_code == 503 and not resp.get_json()["checks"]["retention"]["ok"]
    assert "1건" in services.overdue_banner()
    sweep()
    assert services.overdue_count() == 0


def test_obligation_holds_a_withdrawal_until_settled(app, toy):
    from sentem.privacy.registry import REGISTRY

    m = make_member()
    m_id = m.id
    add_order(m, "T-600", "강수령")
    _withdraw(m)
    open_debt = {m_id}

    def check(member_id):
        return ["미결제 환불 1건"] if member_id in open_debt else []

    REGISTRY.obligation_checks.append(check)
    try:
        s = sweep()
        assert s.duties_held == 1 and len(rows_of(m_id)) == 1
        duty = db.session.execute(select(Duty).filter_by(kind="withdrawal")).scalar_one()
        assert duty.status == "held" and "미결제" in duty.hold_reason
        open_debt.clear()
        sweep()
        assert rows_of(m_id) == []
        db.session.refresh(duty)
        assert duty.status == "done"
    finally:
        REGISTRY.obligation_checks.remove(check)


def test_shredded_key_makes_old_ciphertext_unreadable(app, toy):
    m = make_member(name="윤암호")
    token = m.name_ct
    _withdraw(m)
    sweep()
    with pytest.raises(aead.KeyDestroyed):
        datakeys.open_token(token, "name")


def test_self_audit_section(app, toy):
    from sentem.privacy.registry import REGISTRY

    m = make_member()
    add_order(m, "T-700", "감사수령")
    _withdraw(m)
    sweep()
    section = REGISTRY.audit_sections["retention"](clock.now() - _dt.timedelta(days=1), clock.now()
                                                   + _dt.timedelta(days=1))
    assert section["ok"] and section["duties_done"] >= 1 and section["done_late"] == 0
    assert any(r["record_class"] == "toy_order" and r["count"] == 1 for r in section["ledger"])
    assert "감사수령" not in repr(section)


def test_a_destroyed_members_id_is_never_given_again_so_the_next_withdrawal_is_destroyed_too(app, toy):
    """SQLite reuses the highest rowid of a deleted row unless the table says AUTOINCREMENT:
    a new member would inherit the destroyed member's id and find that member's finished
    withdrawal duty instead of a new one, and would never be destroyed."""
    first = make_member(name="김첫째")
    first_id = first.id
    _withdraw(first)
    clock.advance(days=1)
    assert not sweep().errors
    db.session.expire_all()
    assert db.session.get(Member, first_id) is None

    second = make_member(name="김둘째")
    second_id, second_key = second.id, second.data_key_id
    assert second_id > first_id
    _withdraw(second)
    duties = db.session.execute(select(Duty).filter_by(kind="withdrawal").order_by(Duty.id)).scalars().all()
    assert [(d.subject_ref, d.status) for d in duties] == [(str(first_id), "done"), (str(second_id), "pending")]
    clock.advance(days=1)
    assert not sweep().errors
    db.session.expire_all()
    assert db.session.get(Member, second_id) is None and db.session.get(DataKey, second_key) is None


def test_archive_expiry_in_many_batches_takes_exactly_the_due_unheld_rows(app):
    """Archive expiry in batches far smaller than the table (id spans on SQLite, heap-page
    spans on PostgreSQL): every due, unheld row goes, each once, counted per class in the
    ledger; rows not yet due and held rows stay."""
    from sentem.privacy.retention import ledger

    now = clock.now()
    key_id = datakeys.archive_key("2031-01-01")
    token = datakeys.seal(key_id, "{}", "archive:bench")
    wide = "보관 근거 " * 20  # wide rows: a few dozen a page, so the table spans several pages
    for i in range(150):
        due = i % 3 != 0
        db.session.add(ArchivedRecord(
            record_class=f"class{i % 4}", order_no=f"B-{i}", source="test", seq=i, key_id=key_id,
            payload_ct=token, legal_basis_ko=wide, legal_basis_en=wide, occurred_at=now,
            retain_until=now - _dt.timedelta(days=1) if due else now + _dt.timedelta(days=30),
            hold_reason="분쟁" if due and i % 10 == 1 else None))
    db.session.commit()
    expected: dict[str, int] = {}
    for i in range(150):
        if i % 3 != 0 and i % 10 != 1:
            expected[f"class{i % 4}"] = expected.get(f"class{i % 4}", 0) + 1
    summary = ledger.Summary(run_id="many-batches")
    gone = archive.expire_records(now, 4, summary, "test")
    db.session.expire_all()
    assert gone == sum(expected.values())
    assert {rc: n for (rc, _), n in summary.counts.items()} == expected
    assert {rc: n for (rc, action), n in _ledger().items() if action == "archive_destroy"} == expected
    left = db.session.execute(select(ArchivedRecord.seq)).scalars().all()
    assert sorted(left) == [i for i in range(150) if i % 3 == 0 or i % 10 == 1]
