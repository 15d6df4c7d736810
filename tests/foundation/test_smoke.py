"""The shell answers and a member builder stores encrypted data."""
from sentem.accounts.models import Member
from sentem.extensions import db
from tests.builders import login_as, make_member


def test_healthz_up(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json()["checks"]["main_db"]["ok"]


def test_member_round_trip(app):
    m = make_member(name="김철수")
    db.session.expire_all()
    again = db.session.get(Member, m.id)
    assert again.name == "김철수"
    assert "김철수" not in again.name_ct


def test_login_as(client, app):
    m = make_member()
    login_as(client, m)
    with client.session_transaction() as s:
        assert s["_user_id"] == str(m.id)
