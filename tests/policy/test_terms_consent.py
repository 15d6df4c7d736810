"""Issue 18, part 5: signup links the terms in force and the consent ledger records the version accepted."""
from __future__ import annotations

import datetime as dt

from sentem import clock
from sentem.accounts.models import Member
from sentem.accounts.services import find_by_login_id
from sentem.policy import services
from sentem.privacy import consent
from sentem.privacy.policy_versions import TERMS
from tests.accounts.builders import signup_form


def _signup(client) -> Member:
    form = signup_form()
    assert client.post("/signup", data=form).status_code == 302
    return find_by_login_id(form["login_id"])


def test_signup_links_the_terms_and_the_policy_in_force(client):
    page = client.get("/signup").get_data(as_text=True)
    assert 'href="/terms"' in page and 'href="/privacy"' in page and "전문 보기 (v1)" in page


def test_the_ledger_records_the_terms_version_accepted(client):
    member = _signup(client)
    rows = {row.kind: row for row in consent.history(member.id)}
    assert rows["terms"].granted and rows["terms"].terms_version == "v1"
    assert rows["privacy_required"].policy_version == "v1"
    exported = [r for r in consent.export(member.id) if r["동의 종류"] == "terms"]
    assert exported[0]["이용약관 버전"] == "v1"


def test_a_member_joining_after_new_terms_take_effect_accepts_them(app, client):
    app.config["SENTEM_SHIPPING_FEE"] = 2500
    services.sync()
    effective = clock.today() + dt.timedelta(days=7)
    services.publish(effective, "배송료 변경", document=TERMS)
    early = _signup(client)  # before the effective day: v1 is in force
    client.post("/logout")
    clock.freeze(effective)
    assert "전문 보기 (v2)" in client.get("/signup").get_data(as_text=True)
    late = _signup(client)
    versions = {m.id: next(r.terms_version for r in consent.history(m.id) if r.kind == "terms") for m in (early, late)}
    assert versions == {early.id: "v1", late.id: "v2"}
