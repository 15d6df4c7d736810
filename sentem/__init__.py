"""Sentem: the shop of 센템 (왓플래닛) that keeps its privacy policy by construction."""
from __future__ import annotations

import importlib
import logging
from pathlib import Path

from flask import Flask

from . import config as _config

ROOT = Path(__file__).resolve().parent.parent

# Feature packages, each a blueprint (``bp``) plus its registry entries.
FEATURES = ("web", "accounts", "shop", "orders", "delivery", "myinfo", "support", "policy", "admin")
URL_PREFIXES = {"admin": "/admin"}


def create_app(config: dict | None = None) -> Flask:
    """Build a Sentem app. ``config`` overrides settings (tests pass a mapping)."""
    config = dict(config or {})
    instance_path = config.get("SENTEM_INSTANCE_PATH") or _config.default_instance_path()
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=False,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.update(_config.build(instance_path, config))
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .security import keyring
    from .web import i18n, sqlite

    sqlite.install()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", i18n.translation_dirs())
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "로그인이 필요합니다."
    login_manager.session_protection = "strong"
    limiter.init_app(app)
    app.extensions["sentem_keyring"] = keyring.load(app.config["SENTEM_INSTANCE_PATH"],
                                                    app.config["SENTEM_MASTER_KEY"])
    if not app.config["SENTEM_REDIS_URL"]:
        logging.getLogger("sentem.jobs").info("no SENTEM_REDIS_URL: jobs run in-process")


def register_blueprints(app: Flask) -> None:
    for name in FEATURES:
        module = importlib.import_module(f".{name}", __name__)
        app.register_blueprint(module.bp, url_prefix=URL_PREFIXES.get(name))


def register_cli(app: Flask) -> None:
    from .cli import register

    register(app)
