"""Ground pieces: passwords, masking, clock, safe_next, configuration and secrets."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from sentem import clock, config
from sentem.security import keyring, masking, passwords
from sentem.safe_next import safe_next


def test_argon2id_hash_verify_and_rehash_when_parameters_change(app):
    stored = passwords.hash_password("correct horse")
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert passwords.verify(stored, "correct horse") == (True, None)  # same parameters: keep
    assert passwords.verify(stored, "wrong") == (False, None)
    assert passwords.verify(None, "x") == (False, None)
    assert passwords.verify("not a hash", "x") == (False, None)

    app.config["ARGON2_TIME_COST"] = 2  # the operator raised the cost
    ok, new_hash = passwords.verify(stored, "correct horse")
    assert ok and new_hash and new_hash != stored and "t=2" in new_hash
    assert passwords.verify(new_hash, "correct horse") == (True, None)
    assert passwords.verify(stored, "wrong") == (False, None)  # no rehash on a failed login


@pytest.mark.parametrize("value, masked", [
    ("홍길동", "홍*동"), ("김철", "김*"), ("남궁민수", "남**수"), ("", ""), (None, ""),
])
def test_mask_name(value, masked):
    assert masking.mask_name(value) == masked


@pytest.mark.parametrize("value, masked", [
    ("abcdef@example.com", "ab***@example.com"), ("a@example.com", "a***@example.com"), ("", ""),
])
def test_mask_email(value, masked):
    assert masking.mask_email(value) == masked


def test_mask_address():
    assert masking.mask_address("서울특별시 중구 세종대로 110") == "서울특별시 중구 ***"


@pytest.mark.parametrize("kind, value, masked", [
    ("id", "hong123", "ho*****"), ("id", "ab", "ab*"), ("hidden", "1990-01-31", "****"), ("hidden", "", ""),
    ("phone", "02-123-4567", "02-***-4567"), ("name", None, ""), (None, "anything", ""),
])
def test_mask_by_declared_kind(kind, value, masked):
    assert masking.mask(kind, value) == masked


def test_clock_freeze_advance_and_kst_day():
    try:
        at = clock.freeze("2026-12-31T14:59:00+00:00")  # 23:59 KST
        assert clock.now() == at and clock.now().tzinfo is not None
        assert clock.today() == dt.date(2026, 12, 31)
        clock.advance(minutes=1)
        assert clock.today() == dt.date(2027, 1, 1)  # midnight in Korea
        assert clock.freeze(dt.date(2027, 3, 1)) == dt.datetime(2027, 2, 28, 15, tzinfo=clock.UTC)
        with clock.frozen_at("2030-01-01"):
            assert clock.today() == dt.date(2030, 1, 1)
        assert clock.today() == dt.date(2027, 3, 1)
    finally:
        clock.unfreeze()
    assert not clock.is_frozen()
    with pytest.raises(RuntimeError):
        clock.advance(days=1)
    assert abs(clock.now() - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)


def test_app_fixture_freezes_the_clock(app):
    assert clock.now() == dt.datetime(2026, 11, 28, 1, tzinfo=clock.UTC)
    assert clock.today() == dt.date(2026, 11, 28)


@pytest.mark.parametrize("target, expected", [
    ("/orders/A-1?x=1", "/orders/A-1?x=1"), ("/", "/"), (None, "/"), ("", "/"),
    ("//evil.example", "/"), ("https://evil.example/", "/"), ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"), ("/ok\r\nSet-Cookie: x", "/"), ("evil.example", "/"),
])
def test_safe_next(target, expected):
    assert safe_next(target) == expected


def test_secrets_generated_once_with_mode_0600(tmp_path, monkeypatch):
    for name in ("SENTEM_SECRET_KEY", "SENTEM_MASTER_KEY", "SENTEM_ENV"):
        monkeypatch.delenv(name, raising=False)
    first = config.build(str(tmp_path))
    second = config.build(str(tmp_path))
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) >= 40
    assert os.stat(tmp_path / "secret-key").st_mode & 0o777 == 0o600
    ring = keyring.load(str(tmp_path), None)
    again = keyring.load(str(tmp_path), None)
    assert ring.keys == again.keys and len(ring.keys[1]) == 32
    assert os.stat(tmp_path / keyring.FILE_NAME).st_mode & 0o777 == 0o600
    # From the environment instead, nothing is written.
    other = tmp_path / "env"
    monkeypatch.setenv("SENTEM_SECRET_KEY", "from-the-environment")
    assert config.build(str(other))["SECRET_KEY"] == "from-the-environment"
    assert not (other / "secret-key").exists()


def test_master_key_from_environment_with_versions():
    k1, k2 = keyring.encode_key(b"1" * 32), keyring.encode_key(b"2" * 32)
    ring = keyring.load("/nonexistent", f"1:{k1},2:{k2}")
    assert ring.current_kid == "m2" and ring.source == "env"
    with pytest.raises(RuntimeError):
        ring.rotate()  # env keys are rotated by changing the environment
    with pytest.raises(ValueError):
        keyring.parse_env(keyring.encode_key(b"short"))


def test_production_refuses_without_secrets_or_with_test_gateway(tmp_path, monkeypatch):
    for name in ("SENTEM_SECRET_KEY", "SENTEM_MASTER_KEY", "SENTEM_TEST_GATEWAY", "SENTEM_PAYMENT_GATEWAY",
                 "SENTEM_TOSS_CLIENT_KEY", "SENTEM_TOSS_SECRET_KEY", "SENTEM_TOSS_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SENTEM_ENV", "production")
    with pytest.raises(config.ConfigError, match="SENTEM_SECRET_KEY"):
        config.build(str(tmp_path))
    assert not (tmp_path / "secret-key").exists()  # never generated in production
    monkeypatch.setenv("SENTEM_SECRET_KEY", "s" * 48)
    with pytest.raises(config.ConfigError, match="SENTEM_MASTER_KEY"):
        config.build(str(tmp_path))
    monkeypatch.setenv("SENTEM_MASTER_KEY", keyring.encode_key(os.urandom(32)))
    monkeypatch.setenv("SENTEM_TEST_GATEWAY", "1")
    with pytest.raises(config.ConfigError, match="test payment gateway"):
        config.build(str(tmp_path))
    monkeypatch.delenv("SENTEM_TEST_GATEWAY")
    with pytest.raises(config.ConfigError, match="SENTEM_PAYMENT_GATEWAY=toss"):
        config.build(str(tmp_path))
    monkeypatch.setenv("SENTEM_PAYMENT_GATEWAY", "toss")
    with pytest.raises(config.ConfigError, match="SENTEM_TOSS_CLIENT_KEY and SENTEM_TOSS_SECRET_KEY"):
        config.build(str(tmp_path))
    monkeypatch.setenv("SENTEM_TOSS_CLIENT_KEY", "live_ck_x")
    monkeypatch.setenv("SENTEM_TOSS_SECRET_KEY", "test_sk_x")
    with pytest.raises(config.ConfigError, match="SENTEM_TOSS_SECRET_KEY to the live key"):
        config.build(str(tmp_path))
    monkeypatch.setenv("SENTEM_TOSS_SECRET_KEY", "live_sk_x")
    cfg = config.build(str(tmp_path))
    assert cfg["SENTEM_TEST_GATEWAY"] is False and cfg["SENTEM_PAYMENT_GATEWAY"] == "toss"
    assert cfg["SESSION_COOKIE_SECURE"] and cfg["REMEMBER_COOKIE_SECURE"]


def test_embedded_defaults(tmp_path, monkeypatch):
    for name in ("SENTEM_DATABASE_URL", "SENTEM_ARCHIVE_DATABASE_URL", "SENTEM_KEYSTORE_DATABASE_URL",
                 "SENTEM_REDIS_URL", "SENTEM_ENV", "SENTEM_TEST_GATEWAY"):
        monkeypatch.delenv(name, raising=False)
    cfg = config.build(str(tmp_path))
    assert cfg["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/sentem.db"
    assert {k: v["url"] for k, v in cfg["SQLALCHEMY_BINDS"].items()} == {
        "archive": f"sqlite:///{tmp_path}/sentem-archive.db", "keys": f"sqlite:///{tmp_path}/sentem-keys.db"}
    assert cfg["SENTEM_REDIS_URL"] is None
    assert cfg["SENTEM_TEST_GATEWAY"] is True
    assert cfg["BUSINESS_REPRESENTATIVE"] == "정다진" and cfg["BUSINESS_PHONE"] == "1544-2755"


def test_shop_settings_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SENTEM_RETURN_WINDOW_DAYS", "14")
    monkeypatch.setenv("SENTEM_LOGIN_RATE_LIMIT", "10/minute")
    cfg = config.build(str(tmp_path), {})
    assert cfg["SENTEM_RETURN_WINDOW_DAYS"] == 14
    assert cfg["SENTEM_LOGIN_RATE_LIMIT"] == "10/minute"
    monkeypatch.setenv("SENTEM_SHIPPING_FEE", "3천원")
    with pytest.raises(config.ConfigError, match="SENTEM_SHIPPING_FEE"):
        config.build(str(tmp_path), {})
