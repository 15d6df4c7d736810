"""What the law and the member see: the registry, policy, consent screen, consents page and
export describe the statistics; no statistics table holds a member id, name or contact;
withdrawal destroys the member's profile; every run replaces the pseudonym key, so a backup
cannot be linked to a withdrawn member once the old key is shredded."""
import datetime as dt

import pytest
from sqlalchemy import inspect, select, text

from sentem import clock
from sentem.extensions import db
from sentem.privacy.registry import REGISTRY
from sentem.security import aead, datakeys
from sentem.statistics import pseudonyms
from sentem.statistics.models import StatProfile
from tests.builders import PASSWORD, login_as
from tests.statistics.builders import run, subscriber, visit

STAT_TABLES = ("stat_profiles", "stat_sales_daily", "stat_visits_daily", "stat_cells",
               "stat_runs", "stat_lease", "stat_product_categories", "stat_gone_members", "stat_gone_days")
FORBIDDEN = ("member", "name", "email", "mobile", "phone", "login", "address", "birth", "contact", "ip")


def test_no_statistics_table_holds_a_member_id_name_or_contact(app):
    members = [subscriber(name=f"김통계{i}", email=f"stat{i}@example.com") for i in range(6)]
    for m in members:
        visit(m)
    run()
    tables = [t for t in inspect(db.engine).get_table_names() if t.startswith("stat_")]
    assert sorted(tables) == sorted(STAT_TABLES)
    assert "tmp_stat_link" not in inspect(db.engine).get_table_names()  # the run's staging is gone
    secrets = {str(m.id) for m in members} | {m.name for m in members} | {m.email for m in members} | \
        {m.mobile for m in members}
    for table in tables:
        columns = [c["name"] for c in inspect(db.engine).get_columns(table)]
        assert not [c for c in columns if set(c.split("_")) & set(FORBIDDEN)], (table, columns)
        for row in db.session.execute(text(f'SELECT * FROM "{table}"')):
            values = {str(v) for v in row}
            assert not values & ({m.name for m in members} | {m.email for m in members} | {m.mobile for m in members})
    pseudonym_values = {p for p in db.session.execute(select(StatProfile.pseudonym)).scalars()}
    assert not pseudonym_values & secrets and all(len(p) == 32 for p in pseudonym_values)


def test_registry_policy_and_consent_screen_describe_the_statistics(client):
    rc = REGISTRY.record_class("usage_statistics")
    assert "광고성 정보 수신 동의" in rc.legal_basis_ko and "가명" in rc.legal_basis_ko
    for key in ("birth_date", "address1", "login_ip"):
        assert "statistics" in REGISTRY.item(key).purposes
    signup = client.get("/signup").get_data(as_text=True)
    block = signup.split('data-consent="marketing_email"')[1].split("</div>")[0]
    assert "접속 빈도 파악 및 서비스 이용 통계" in block and "생년월일" in block and "자택 주소" in block
    from sentem.privacy import policy_versions
    snapshot = policy_versions.snapshot()
    assert any(r["key"] == "usage_statistics" for r in snapshot["record_classes"])
    policy = client.get("/privacy").get_data(as_text=True)
    assert "이용 통계·맞춤 광고(가명정보)" in policy and "통계용 가명" in policy and "5명 미만" in policy


def test_the_member_can_stop_it_and_sees_it_in_the_export(client):
    member = subscriber(birth_date="1985-02-02", address1="대전광역시 유성구 1")
    run()
    login_as(client, member)
    page = client.get("/me/consents").get_data(as_text=True)
    row = page.split('data-kind="suspend_statistics"')[1].split("</tr>")[0]
    assert "이용 통계·맞춤 광고" in row and "처리정지" in row
    export = client.get("/me/export.json").get_json()
    text_export = str(export)
    assert "usage_statistics" in text_export or "이용 통계·맞춤 광고" in text_export
    assert "40대" in text_export and "대전" in text_export
    client.post("/me/consents", data={"kind": "suspend_statistics", "value": "on"})
    run()
    assert "40대" not in str(client.get("/me/export.json").get_json())


def test_withdrawal_destroys_the_profile(app):
    from sentem.myinfo import withdrawal
    from sentem.privacy.retention.sweep import sweep

    member = subscriber()
    run()
    pseudonym = pseudonyms.of_member(member.id)
    assert db.session.get(StatProfile, pseudonym) is not None
    withdrawal.withdraw(member, PASSWORD, "yes")
    sweep()
    db.session.expire_all()
    assert db.session.get(StatProfile, pseudonym) is None


def test_every_run_makes_a_new_pseudonym_key_and_shreds_the_previous_one(app):
    from sentem.security.keystore import KeyShred

    members = [subscriber() for _ in range(5)]
    clock.freeze(clock.now() + dt.timedelta(hours=2))  # signups are not "changed since the last run"
    first = run()
    old = {pseudonyms.of_member(m.id) for m in members}
    clock.freeze(clock.now() + dt.timedelta(days=1))
    second = run()
    assert second.key_id != first.key_id and second.decrypted == 0 and second.left_gone == 0  # carried over
    new = {pseudonyms.of_member(m.id) for m in members}
    assert not new & old and {p.pseudonym for p in StatProfile.query.all()} == new
    assert [k for k, _ in datakeys.labelled_keys(pseudonyms.KIND)] == [second.key_id]
    assert db.session.get(KeyShred, first.key_id) is not None
    with pytest.raises(aead.KeyDestroyed):
        datakeys.raw_key(first.key_id)


def test_a_backup_from_before_a_withdrawal_cannot_be_linked_after_the_next_run_and_the_sweep(app):
    """A copy of stat_profiles, the main database and the key store, taken before the member
    withdrew: after the next nightly run and the sweep, no key the shop still holds (nor the
    copy's own key) gives a pseudonym that finds the member's old row."""
    from sentem.myinfo import withdrawal
    from sentem.privacy.retention.sweep import sweep
    from sentem.security import buckets

    members = [subscriber(birth_date="1971-03-03", address1="제주특별자치도 제주시 1") for _ in range(5)]
    leaving, leaving_id = members[0], members[0].id
    run()
    backup = {p.pseudonym: (p.age_band, p.region) for p in StatProfile.query.all()}  # the copy
    key_id, raw = pseudonyms.current()
    key_copy = _copy_of_key_store(key_id)
    assert backup[pseudonyms.pseudonym(raw, leaving.id)] == ("50대", "제주")  # linkable today

    withdrew_at = clock.now()
    withdrawal.withdraw(leaving, PASSWORD, "yes")
    sweep()
    clock.freeze(clock.now() + dt.timedelta(days=1))  # the next night
    assert run().left_gone == 0  # (the withdrawal already deleted the live row)
    sweep()
    retired = [r for r in buckets.root_file().epochs() if r["retired"] and key_id in r["shredded"]]
    assert retired, "the old pseudonym key's bucket was re-keyed and its root retired"
    erase_at = dt.datetime.fromisoformat(retired[0]["erase_at"])
    assert erase_at <= withdrew_at + dt.timedelta(days=5)  # inside the destruction window
    clock.freeze(erase_at + dt.timedelta(minutes=1))
    sweep()

    with pytest.raises(aead.KeyDestroyed):
        _open_copy(key_copy)  # the backup's own copy of the key store no longer opens it
    with pytest.raises(aead.KeyDestroyed):
        datakeys.raw_key(key_id)
    live = datakeys.labelled_keys(pseudonyms.KIND)
    assert live
    for other, _ in live:
        assert pseudonyms.pseudonym(datakeys.raw_key(other), leaving_id) not in backup


def _copy_of_key_store(key_id: int) -> dict:
    """What a backup of the key store holds for one data key (as tests/retention/test_keys.py)."""
    from sentem.security.keystore import BUCKET_SIZE, DataKey, KeyBucket

    bucket = db.session.get(KeyBucket, key_id // BUCKET_SIZE)
    return {"id": key_id, "bucket": bucket.id, "gen": bucket.gen, "data": db.session.get(DataKey, key_id).wrapped,
            "bucket_wrapped": bucket.wrapped}


def _open_copy(copy: dict) -> bytes:
    """An attacker with the copy and every root the shop holds now."""
    from sentem.security import buckets

    epoch = int(aead.key_id(copy["bucket_wrapped"])[1:])
    root = buckets.root_file().key(epoch)
    braw = aead.open_bytes(root, copy["bucket_wrapped"], f"bucket:{copy['bucket']}.{copy['gen']}")
    return aead.open_bytes(braw, copy["data"], f"datakey:{copy['id']}")
