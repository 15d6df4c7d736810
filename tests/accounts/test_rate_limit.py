"""Per-IP rate limit on POST /login answers 429."""
import pytest

app_config_values = {"RATELIMIT_ENABLED": True, "SENTEM_LOGIN_RATE_LIMIT": "3/minute"}


@pytest.fixture
def app_config():
    return dict(app_config_values)


def test_fourth_attempt_in_a_minute_gets_429(client):
    for _ in range(3):
        assert client.post("/login", data={"login_id": "x", "password": "y"}).status_code == 401
    resp = client.post("/login", data={"login_id": "x", "password": "y"})
    assert resp.status_code == 429 and "요청이 너무 많습니다" in resp.get_data(as_text=True)
    # Another address is counted on its own; reading the page is never limited.
    other = client.post("/login", data={"login_id": "x", "password": "y"}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 401
    assert client.get("/login").status_code == 200
