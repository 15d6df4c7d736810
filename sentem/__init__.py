"""Sentem: the shop of 센템 (왓플래닛) that keeps its privacy policy by construction."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from . import (accounts, admin, cli, delivery, health, i18n, myinfo, orders, policy, privacy, shop, staff, statistics,
               support, web)
from . import config as _config
from .extensions import babel, csrf, db, login_manager, migrate
from .jobs import inprocess  # noqa: F401  (the in-process scheduler's job_runs table)
from .security import datakeys  # noqa: F401  (the key store's data_keys table)
from .security import keyring
from .web import sqlite

ROOT = Path(__file__).resolve().parent.parent

# The order matters: the privacy core first (features declare items for its purposes),
# each feature after those it calls (each adds its staff screens to ``staff.bp``), the
# staff records after the features' (the registry keeps declaration order, and so does
# the published policy), then the staff area, which registers the blueprint once every
# screen is on it, and the commands last. Each ``init_app`` registers everything its
# package brings; nothing registers itself on import, and nothing is skipped.
PACKAGES = (health, privacy, web, accounts, shop, orders, delivery, myinfo, statistics, support, policy, staff, admin,
            cli)


def create_app(config: dict | None = None) -> Flask:
    """Build a Sentem app. ``config`` overrides settings (tests pass a mapping)."""
    config = dict(config or {})
    instance_path = config.get("SENTEM_INSTANCE_PATH") or _config.default_instance_path()
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=False,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.update(_config.build(instance_path, config))
    register_extensions(app)
    for package in PACKAGES:
        package.init_app(app)
    return app


def register_extensions(app: Flask) -> None:
    """Database, migrations, CSRF, Babel, Flask-Login, rate limits and the master key ring."""
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
    app.extensions["sentem_keyring"] = keyring.load(app.config["SENTEM_INSTANCE_PATH"],
                                                    app.config["SENTEM_MASTER_KEY"])
    if not app.config["SENTEM_REDIS_URL"]:
        logging.getLogger("sentem.jobs").info("no SENTEM_REDIS_URL: jobs run in-process")
