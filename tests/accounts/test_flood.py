"""Login flood resistance: per-IP limits answer before the password is checked, shared by
every process (Redis when configured, else the database); "locked" reads the same for IDs
that do not exist; client addresses behind trusted proxies."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from flask import g

from sentem import clock
from sentem.security import throttle
from tests.accounts.builders import PASSWORD, register_member
from tests.admin.builders import make_staff
from tests.worker_env import worker_env

LIMIT = 5


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "SENTEM_LOGIN_RATE_LIMIT": f"{LIMIT}/minute"}


def _post(client, path, login_id, password, ip="198.51.100.7", **headers):
    g.pop("_login_user", None)
    return client.post(path, data={"login_id": login_id, "password": password},
                       environ_base={"REMOTE_ADDR": ip}, headers=headers)


@pytest.mark.parametrize("path", ["/login", "/admin/login"])
def test_a_flood_from_one_address_is_refused_before_the_password_is_checked(app, path):
    if path == "/login":
        member = register_member()
        login_id, good = member.login_id, PASSWORD
    else:
        staff, good, _secret = make_staff("order_staff")
        login_id = staff.login_id
    client = app.test_client()
    for i in range(LIMIT):
        assert _post(client, path, f"guess{i}", "wrong-password").status_code in (200, 401)
    # The right password is refused too: the limit answered before any password was looked at.
    resp = _post(client, path, login_id, good)
    assert resp.status_code == 429 and "요청이 너무 많습니다" in resp.get_data(as_text=True)
    assert "Location" not in resp.headers
    # Another address has its own budget; the next window lets this one in again.
    assert _post(client, path, login_id, good, ip="198.51.100.8").status_code == 302
    clock.advance(minutes=1)
    assert _post(app.test_client(), path, login_id, good).status_code == 302


def _lock_message(client, path, login_id):
    for _ in range(5):
        resp = _post(client, path, login_id, "wrong-password", ip=f"192.0.2.{_ + 10}")
    return resp.get_data(as_text=True)


def _error_of(page: str) -> str:
    start = page.index("flash-error")
    return page[start:page.index("</", start)]


@pytest.mark.parametrize("path", ["/login", "/admin/login"])
def test_locked_reads_the_same_for_an_id_that_does_not_exist(app, path):
    real_id = register_member().login_id if path == "/login" else make_staff("order_staff")[0].login_id
    real = _error_of(_lock_message(app.test_client(), path, real_id))
    ghost = _error_of(_lock_message(app.test_client(), path, "nobody-here"))
    assert real == ghost and ("잠겼" in real or "로그인할 수 없습니다" in real)
    # Locked, each refuses even the "right" password, in the same words.
    again_real = _error_of(_post(app.test_client(), path, real_id, PASSWORD, ip="192.0.2.90").get_data(as_text=True))
    again_ghost = _error_of(_post(app.test_client(), path, "nobody-here", PASSWORD, ip="192.0.2.91")
                            .get_data(as_text=True))
    assert again_real == again_ghost == real


def test_the_limit_is_shared_with_another_process(app):
    """A second process spends this address's budget; this process then refuses."""
    keys = ("TESTING", "SENTEM_ENV", "SENTEM_INSTANCE_PATH", "WTF_CSRF_ENABLED", "SENTEM_INPROCESS_SCHEDULER",
            "SENTEM_SCHEDULER_CHECK", "SENTEM_REDIS_URL", "ARGON2_TIME_COST", "ARGON2_MEMORY_COST",
            "ARGON2_PARALLELISM", "SENTEM_TEST_GATEWAY", "SQLALCHEMY_DATABASE_URI", "SENTEM_ARCHIVE_DATABASE_URL",
            "SENTEM_KEYSTORE_DATABASE_URL", "SECRET_KEY", "SENTEM_LOGIN_RATE_LIMIT", "RATELIMIT_ENABLED")
    cfg = {k: app.config.get(k) for k in keys}
    script = (
        "import json, sys\n"
        "from sentem import clock, create_app\n"
        "cfg = json.loads(sys.argv[1]); clock.freeze(sys.argv[2])\n"
        "app = create_app(cfg)\n"
        "with app.app_context():\n"
        "    c = app.test_client()\n"
        "    print(json.dumps([c.post('/login', data={'login_id': 'x', 'password': 'y'},\n"
        "                             environ_base={'REMOTE_ADDR': '203.0.113.5'}).status_code for _ in range(5)]))\n"
    )
    out = subprocess.run([sys.executable, "-c", script, json.dumps(cfg), clock.now().isoformat()],
                         env={k: v for k, v in worker_env(app).items() if v is not None}, capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [401] * LIMIT
    member = register_member()
    resp = _post(app.test_client(), "/login", member.login_id, PASSWORD, ip="203.0.113.5")
    assert resp.status_code == 429
    store = "redis" if app.config["SENTEM_REDIS_URL"] else "database"
    if store == "database":
        assert throttle.ThrottleCounter.query.count() >= 1  # the main database holds the counters


def test_trusted_proxies_name_the_client_and_untrusted_headers_are_ignored(app):
    client = app.test_client()
    # No trusted proxy (the default): a forged X-Forwarded-For buys no fresh budget.
    for i in range(LIMIT):
        _post(client, "/login", "x", "y", ip="127.0.0.1", **{"X-Forwarded-For": f"10.9.9.{i}"})
    assert _post(client, "/login", "x", "y", ip="127.0.0.1", **{"X-Forwarded-For": "10.9.9.99"}).status_code == 429

    app.config["SENTEM_TRUSTED_PROXIES"] = 1
    from werkzeug.middleware.proxy_fix import ProxyFix
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)  # what create_app does when configured
    member = register_member()
    assert _post(client, "/login", member.login_id, PASSWORD, ip="127.0.0.1",
                 **{"X-Forwarded-For": "203.0.113.77"}).status_code == 302
