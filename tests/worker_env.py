"""The environment of a real ``flask worker`` process on the test's databases and Redis."""
from __future__ import annotations

import os


def worker_env(app) -> dict:
    """``os.environ`` pointed at ``app``'s instance, databases and Redis (key ring from the instance)."""
    env = dict(os.environ)
    env.update({
        "SENTEM_INSTANCE_PATH": app.config["SENTEM_INSTANCE_PATH"],
        "SENTEM_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SENTEM_ARCHIVE_DATABASE_URL": app.config["SENTEM_ARCHIVE_DATABASE_URL"],
        "SENTEM_KEYSTORE_DATABASE_URL": app.config["SENTEM_KEYSTORE_DATABASE_URL"],
        "SENTEM_REDIS_URL": app.config["SENTEM_REDIS_URL"],
    })
    env.pop("SENTEM_MASTER_KEY", None)  # the worker reads the instance's key ring
    env.pop("SENTEM_ENV", None)
    return env
