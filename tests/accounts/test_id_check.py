"""아이디 중복확인: GET /signup/check-login-id answers available or taken and nothing
more, explains a malformed ID, and is rate-limited per address."""
from __future__ import annotations

import pytest

from sentem import clock
from tests.builders import make_member

URL = "/signup/check-login-id"


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "SENTEM_SIGNUP_RATE_LIMIT": "5/minute"}


def test_answers_available_or_taken_and_nothing_more(client):
    member = make_member(login_id="takenid")
    free = client.get(URL, query_string={"login_id": "freshid"})
    assert free.status_code == 200 and free.get_json() == {"result": "available"}
    assert free.headers["Cache-Control"] == "no-store"
    for typed in ("takenid", " TakenID "):  # the same ID as signup would store it
        taken = client.get(URL, query_string={"login_id": typed})
        assert taken.get_json() == {"result": "taken"}
    body = taken.get_data(as_text=True)
    assert str(member.id) not in body and "active" not in body and "@" not in body


def test_a_malformed_id_gets_the_rule_in_korean_or_english(client):
    resp = client.get(URL, query_string={"login_id": "1ab"})
    assert resp.status_code == 400
    assert resp.get_json() == {"result": "invalid",
                               "message": "아이디는 영문 소문자로 시작하는 4~20자의 영문 소문자, 숫자, 밑줄(_)로 입력해 주세요."}
    assert client.get(URL).get_json()["message"] == "아이디를 입력해 주세요."
    client.get("/lang/en")
    english = client.get(URL, query_string={"login_id": "x" * 300}).get_json()["message"]
    assert english.isascii() and english


def test_limited_per_address_so_members_cannot_be_listed(client):
    for n in range(5):
        assert client.get(URL, query_string={"login_id": f"probe{n}"}).status_code == 200
    limited = client.get(URL, query_string={"login_id": "probe9"})
    assert limited.status_code == 429 and limited.get_json()["result"] == "limited"
    other = client.get(URL, query_string={"login_id": "probe9"}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200
    clock.advance(minutes=1)  # a new window
    assert client.get(URL, query_string={"login_id": "probe9"}).status_code == 200
