"""Configuration: defaults for the embedded mode, then ``SENTEM_*`` environment
variables, then the mapping passed to ``create_app`` (tests).

Secrets are never literals here: absent from the environment they are generated
once into the instance folder (mode 0600) — except in production, which refuses
to start without them.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ENV_PREFIX = "SENTEM_"
TOSS_API_BASE = "https://api.tosspayments.com"
GATEWAYS = ("test", "toss")


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to set."""


def default_instance_path() -> str:
    """``instance/`` beside the package, unless ``SENTEM_INSTANCE_PATH`` says otherwise."""
    env = os.environ.get("SENTEM_INSTANCE_PATH")
    if env:
        return os.path.abspath(env)
    return str(Path(__file__).resolve().parent.parent / "instance")


def build(instance_path: str, overrides: dict | None = None) -> dict:
    """Return the settings for one app; raises ConfigError when unusable."""
    overrides = dict(overrides or {})
    env = os.environ
    production = overrides.get("SENTEM_ENV", env.get("SENTEM_ENV", "development")) == "production"

    def sqlite(name: str) -> str:
        return "sqlite:///" + os.path.join(instance_path, name)

    cfg: dict = {
        "SENTEM_ENV": "production" if production else "development",
        "SENTEM_INSTANCE_PATH": instance_path,
        "SQLALCHEMY_DATABASE_URI": env.get("SENTEM_DATABASE_URL") or sqlite("sentem.db"),
        "SENTEM_ARCHIVE_DATABASE_URL": env.get("SENTEM_ARCHIVE_DATABASE_URL") or sqlite("sentem-archive.db"),
        "SENTEM_KEYSTORE_DATABASE_URL": env.get("SENTEM_KEYSTORE_DATABASE_URL") or sqlite("sentem-keys.db"),
        "SENTEM_REDIS_URL": env.get("SENTEM_REDIS_URL") or None,
        # How many proxies in front set X-Forwarded-For (web/__init__.py applies ProxyFix).
        "SENTEM_TRUSTED_PROXIES": _count(env.get("SENTEM_TRUSTED_PROXIES"), "SENTEM_TRUSTED_PROXIES"),
        "SENTEM_MASTER_KEY": env.get("SENTEM_MASTER_KEY") or None,
        # The erasable epoch root of the key hierarchy (security/rootkey.py); unset: the instance folder.
        "SENTEM_KEY_ROOT_FILE": env.get("SENTEM_KEY_ROOT_FILE") or None,
        "SECRET_KEY": env.get("SENTEM_SECRET_KEY") or None,
        # The payment gateway: ``test`` (built in, settles at once) or ``toss`` (Toss Payments' v1 API;
        # the local sandbox, ``flask pg-sandbox``, in development). Production must name a real PG.
        "SENTEM_PAYMENT_GATEWAY": (env.get("SENTEM_PAYMENT_GATEWAY") or ("" if production else "test")).strip(),
        "SENTEM_TOSS_CLIENT_KEY": env.get("SENTEM_TOSS_CLIENT_KEY") or None,
        "SENTEM_TOSS_SECRET_KEY": env.get("SENTEM_TOSS_SECRET_KEY") or None,
        "SENTEM_TOSS_API_BASE": (env.get("SENTEM_TOSS_API_BASE") or TOSS_API_BASE).rstrip("/"),
        "SENTEM_TOSS_TIMEOUT": 10,  # seconds; a longer wait is an unknown answer, settled by look-up
        # The built-in test payment gateway: on in the embedded mode, never in production.
        "SENTEM_TEST_GATEWAY": _flag(env.get("SENTEM_TEST_GATEWAY"),
                                     default=not production and env.get("SENTEM_PAYMENT_GATEWAY", "test") == "test"),
        "SENTEM_OUTBOX": env.get("SENTEM_OUTBOX", "files"),  # files | smtp
        "SENTEM_SMTP_URL": env.get("SENTEM_SMTP_URL"),
        "SENTEM_BASE_URL": env.get("SENTEM_BASE_URL", "http://127.0.0.1:5000"),
        "SENTEM_INPROCESS_SCHEDULER": True,
        # Password hashing cost (argon2id). Defaults are argon2-cffi's RFC 9106 low-memory profile.
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 65536,
        "ARGON2_PARALLELISM": 4,
        # Business information every Korean online shop shows (전자상거래법 제10조).
        "SHOP_NAME": "왓플래닛",
        "BUSINESS_NAME": env.get("SENTEM_BUSINESS_NAME", "센템"),
        "BUSINESS_REPRESENTATIVE": env.get("SENTEM_BUSINESS_REPRESENTATIVE", "정다진"),
        "BUSINESS_ADDRESS": env.get("SENTEM_BUSINESS_ADDRESS", "(사업장 주소를 SENTEM_BUSINESS_ADDRESS로 설정하세요)"),
        "BUSINESS_PHONE": env.get("SENTEM_BUSINESS_PHONE", "1544-2755"),
        "BUSINESS_EMAIL": env.get("SENTEM_BUSINESS_EMAIL", "privacy@sentem.co.kr"),
        "BUSINESS_REGISTRATION_NO": env.get("SENTEM_BUSINESS_REGISTRATION_NO", "(미설정)"),
        "MAIL_ORDER_REPORT_NO": env.get("SENTEM_MAIL_ORDER_REPORT_NO", "(미설정)"),
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "BABEL_DEFAULT_LOCALE": "ko",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Seoul",
        "LANGUAGES": ("ko", "en"),
        # Read by Flask-Babel when it is bound, so it must be set here, not after.
        "BABEL_TRANSLATION_DIRECTORIES": _translation_dirs(),
    }
    cfg.update(_shop_settings(env))
    cfg.update(overrides)

    if production:
        _check_production(cfg)
        cfg["SESSION_COOKIE_SECURE"] = True
        cfg["REMEMBER_COOKIE_SECURE"] = True
    else:
        _check_gateway(cfg)
        if not cfg.get("SECRET_KEY"):
            cfg["SECRET_KEY"] = read_or_create_secret(instance_path, "secret-key", lambda: secrets.token_urlsafe(48))

    # Each database gets the options of its own kind (the three may differ: SQLite main
    # with a PostgreSQL archive is a valid, if odd, setup).
    cfg["SQLALCHEMY_BINDS"] = {
        bind: {"url": url, **engine_options(url)}
        for bind, url in (("archive", cfg["SENTEM_ARCHIVE_DATABASE_URL"]),
                          ("keys", cfg["SENTEM_KEYSTORE_DATABASE_URL"]))
    }
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(cfg["SQLALCHEMY_DATABASE_URI"])
    return cfg


# Shop settings an operator may set from the environment; unset, each feature's default holds.
SHOP_SETTINGS = {
    "SENTEM_SHIPPING_FEE": int, "SENTEM_FREE_SHIPPING_OVER": int, "SENTEM_RETURN_WINDOW_DAYS": int,
    "SENTEM_SHIPPING_UNMASK_DAYS": int, "SENTEM_LOGIN_MAX_FAILURES": int, "SENTEM_LOGIN_LOCK_MINUTES": int,
    "SENTEM_EMAIL_VERIFY_DAYS": int, "SENTEM_LOGIN_RATE_LIMIT": str, "SENTEM_SIGNUP_RATE_LIMIT": str,
    "SENTEM_MAIL_FROM": str, "SENTEM_MEMBER_SESSION_DAYS": int,
}


def _shop_settings(env) -> dict:
    out = {}
    for name, kind in SHOP_SETTINGS.items():
        raw = env.get(name)
        if raw is None or raw == "":
            continue
        if kind is int:
            if not raw.strip().isdigit():
                raise ConfigError(f"{name} must be a whole number (got {raw!r})")
            out[name] = int(raw)
        else:
            out[name] = raw.strip()
    return out


def engine_options(url: str) -> dict:
    """Options that suit each database kind (always with ``connect_args``, so that a
    bind's own options replace the main database's)."""
    if url.startswith("sqlite"):
        # Writers wait for each other instead of failing at once.
        return {"connect_args": {"timeout": 30}, "pool_pre_ping": False}
    # A server that does not answer is "down" within seconds (health checks, requests).
    return {"pool_pre_ping": True, "connect_args": {"connect_timeout": 5}}


def read_or_create_secret(instance_path: str, name: str, make) -> str:
    """Read a secret from the instance folder, creating it (0600) exactly once.

    O_EXCL makes concurrent first starts (several gunicorn workers) agree on one value.
    """
    os.makedirs(instance_path, mode=0o700, exist_ok=True)
    path = os.path.join(instance_path, name)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):
            with open(path, encoding="utf-8") as fh:
                value = fh.read().strip()
            if value:
                return value
            import time
            time.sleep(0.02)
        raise ConfigError(f"{path} is empty; delete it to generate a new secret")
    value = make()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value + "\n")
    return value


def _check_production(cfg: dict) -> None:
    missing = [n for n in ("SECRET_KEY", "SENTEM_MASTER_KEY") if not cfg.get(n)]
    if missing:
        names = ", ".join("SENTEM_" + n.removeprefix("SENTEM_") for n in missing)
        raise ConfigError(f"production needs {names} from the environment; refusing to start")
    if cfg.get("SENTEM_TEST_GATEWAY"):
        raise ConfigError("production must not run the test payment gateway (unset SENTEM_TEST_GATEWAY)")
    if cfg["SENTEM_PAYMENT_GATEWAY"] != "toss":
        raise ConfigError("production must take payments through a real PG: set SENTEM_PAYMENT_GATEWAY=toss "
                          "with SENTEM_TOSS_CLIENT_KEY and SENTEM_TOSS_SECRET_KEY")
    _check_gateway(cfg)
    for name in ("SENTEM_TOSS_SECRET_KEY", "SENTEM_TOSS_CLIENT_KEY"):
        if str(cfg[name]).startswith("test_"):
            raise ConfigError(f"production must not use a Toss test key: set {name} to the live key (live_…)")
    if not cfg["SENTEM_TOSS_API_BASE"].startswith("https://"):
        raise ConfigError("production talks to the PG over https only: fix SENTEM_TOSS_API_BASE")


def _check_gateway(cfg: dict) -> None:
    """The payment gateway is one we have, with the keys it needs."""
    gateway = cfg.get("SENTEM_PAYMENT_GATEWAY")
    if gateway not in GATEWAYS:
        raise ConfigError(f"SENTEM_PAYMENT_GATEWAY must be one of {', '.join(GATEWAYS)} (got {gateway!r})")
    if gateway == "toss":
        missing = [n for n in ("SENTEM_TOSS_CLIENT_KEY", "SENTEM_TOSS_SECRET_KEY") if not cfg.get(n)]
        if missing:
            raise ConfigError(f"SENTEM_PAYMENT_GATEWAY=toss needs {' and '.join(missing)} "
                              "(the local sandbox, flask pg-sandbox, prints keys for development)")


def _translation_dirs() -> str:
    """Every feature's catalog folder (``sentem/<feature>/translations``), ``;``-separated."""
    base = Path(__file__).resolve().parent
    dirs = [str(p) for p in sorted(base.glob("*/translations")) if p.is_dir()]
    return ";".join(dirs) or str(base / "web" / "translations")


def _count(value: str | None, name: str) -> int:
    """A whole number from the environment (0 when unset)."""
    if value is None or value.strip() == "":
        return 0
    if not value.strip().isdigit():
        raise ConfigError(f"{name} must be a whole number (got {value!r})")
    return int(value.strip())


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")
