"""What the law and the member see: the registry, policy, consent screen, consents page and
export describe the statistics; no statistics table holds a member id, name or contact;
withdrawal destroys the member's profile; the pseudonym key turns over every year."""
import datetime as dt

from sqlalchemy import inspect, select, text

from sentem import clock
from sentem.extensions import db
from sentem.privacy.registry import REGISTRY
from sentem.security import datakeys
from sentem.statistics import pseudonyms
from sentem.statistics.models import StatProfile
from tests.builders import PASSWORD, login_as
from tests.statistics.builders import run, subscriber, visit

STAT_TABLES = ("stat_profiles", "stat_profile_categories", "stat_sales_daily", "stat_visits_daily", "stat_cells",
               "stat_runs", "stat_lease")
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


def test_the_pseudonym_key_turns_over_each_year_and_the_old_one_is_shredded(app):
    member = subscriber()
    run()
    old = pseudonyms.of_member(member.id)
    old_key = datakeys.labelled_key_id(pseudonyms.KIND, "2026")
    clock.freeze(clock.now() + dt.timedelta(days=40))  # 2027 in Korea
    row = run()
    assert row.key_year == 2027 and row.left_gone == 0  # another year's pseudonyms are not compared
    new = pseudonyms.of_member(member.id)
    assert new != old and {p.pseudonym for p in StatProfile.query.all()} == {new}
    assert datakeys.labelled_key_id(pseudonyms.KIND, "2026") is None
    from sentem.security.keystore import KeyShred
    assert db.session.get(KeyShred, old_key) is not None
